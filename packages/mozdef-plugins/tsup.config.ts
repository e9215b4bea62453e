import { defineConfig } from 'tsup';
import { preset } from '@alertkit/tsup-config';

// One entry per plugin, so an installation file can name `@alertkit/mozdef-plugins/<plugin>`.
export default defineConfig({
  ...preset,
  entry: [
    'src/index.ts',
    'src/ipaddr.ts',
    'src/ip_source_enrichment.ts',
    'src/port_scan_enrichment.ts',
    'src/dhcp_assignment.ts',
    'src/auth_sourceip_username.ts',
    'src/vpn_assignment.ts',
    'src/possible_usernames.ts',
    'src/geomodel_ipintel_enrichment.ts',
  ],
});
