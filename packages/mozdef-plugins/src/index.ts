/**
 * @alertkit/mozdef-plugins: MozDef's eight alert enrichment plugins. Each is also its own export
 * (`@alertkit/mozdef-plugins/<name>`), which is how an installation file names it.
 */
import type { AlertPlugin } from '@alertkit/runner';
import { authSourceipUsernamePlugin } from './auth_sourceip_username.js';
import { dhcpAssignmentPlugin } from './dhcp_assignment.js';
import { geomodelIpintelEnrichmentPlugin } from './geomodel_ipintel_enrichment.js';
import { ipaddrPlugin } from './ipaddr.js';
import { ipSourceEnrichmentPlugin } from './ip_source_enrichment.js';
import { portScanEnrichmentPlugin } from './port_scan_enrichment.js';
import { possibleUsernamesPlugin } from './possible_usernames.js';
import { vpnAssignmentPlugin } from './vpn_assignment.js';

export {
  authSourceipUsernameConfig,
  authSourceipUsernamePlugin,
  enrichAuthUsername,
  type AuthSourceipUsernameConfig,
} from './auth_sourceip_username.js';
export {
  commaEqDict,
  dhcpAssignmentConfig,
  dhcpAssignmentPlugin,
  enrichDhcp,
  type DhcpAssignmentConfig,
} from './dhcp_assignment.js';
export {
  enrichIpIntel,
  geomodelIpintelConfig,
  geomodelIpintelEnrichmentPlugin,
  ipIntelSchema,
  readIpIntel,
  type GeomodelIpintelConfig,
  type IpIntel,
} from './geomodel_ipintel_enrichment.js';
export { ipaddrPlugin } from './ipaddr.js';
export {
  enrichSites,
  findIpAddresses,
  formatSite,
  ipSourceEnrichmentConfig,
  ipSourceEnrichmentPlugin,
  type KnownSite,
} from './ip_source_enrichment.js';
export {
  enrichPortScan,
  portScanEnrichmentConfig,
  portScanEnrichmentPlugin,
  type PortScanEnrichmentConfig,
} from './port_scan_enrichment.js';
export {
  enrichPossibleUsernames,
  findPossibleUsernames,
  mostCommonHostname,
  possibleUsernamesConfig,
  possibleUsernamesPlugin,
  type PossibleUsernamesConfig,
} from './possible_usernames.js';
export {
  enrichVpnAssignment,
  vpnAssignmentConfig,
  vpnAssignmentPlugin,
  type VpnAssignmentConfig,
} from './vpn_assignment.js';

/** The eight plugins by MozDef's module name (what `ALERT_PLUGINS` listed). */
export const mozdefPlugins = {
  ipaddr: ipaddrPlugin,
  ip_source_enrichment: ipSourceEnrichmentPlugin,
  port_scan_enrichment: portScanEnrichmentPlugin,
  dhcp_assignment: dhcpAssignmentPlugin,
  auth_sourceip_username: authSourceipUsernamePlugin,
  vpn_assignment: vpnAssignmentPlugin,
  possible_usernames: possibleUsernamesPlugin,
  geomodel_ipintel_enrichment: geomodelIpintelEnrichmentPlugin,
} as const satisfies Record<string, AlertPlugin>;
