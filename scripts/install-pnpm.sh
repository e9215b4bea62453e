#!/usr/bin/env bash
# Installs the pnpm of the root package.json's `packageManager` as pnpm's standalone build,
# `@pnpm/exe`: the same pnpm, packaged by pnpm with its own runtime, which starts in ~0.23 s
# where the npm package takes ~0.45 s on Node 20 (no compile cache there). turbo runs every
# package's scripts through `pnpm run`, so that start is paid once per package and task: ~16%
# of a cold test run of the alert packages (scripts/bench-cases.mjs). Scripts still run on the
# system's Node. Corepack does not work on this machine kind (TOOLCHAIN.md).
#
# Does nothing when that standalone pnpm is already there. Replaces a global npm
# package `pnpm` (both install a `pnpm` command). Falls back to the npm package where the
# standalone build cannot be installed (a platform it has no binary for, say).
set -uo pipefail
cd "$(dirname "$0")/.."
# One place says which pnpm: `packageManager` (`pnpm@<version>`).
version=$(node -p 'require("./package.json").packageManager.replace(/^pnpm@/, "")') || exit 1

standalone() {
  local bin
  bin=$(command -v pnpm 2>/dev/null) || return 1
  case "$(readlink -f "$bin")" in */@pnpm/exe/pnpm) ;; *) return 1 ;; esac
  [ "$(pnpm --version 2>/dev/null)" = "$version" ]
}

if standalone; then
  echo "pnpm $version (standalone) present"
  exit 0
fi
if npm ls -g --depth=0 pnpm >/dev/null 2>&1; then
  npm uninstall -g pnpm >/dev/null || exit 1
fi
# `--allow-scripts`: npm 11 asks before running install scripts; @pnpm/exe's links the
# platform's binary in place.
if npm install -g --allow-scripts=@pnpm/exe "@pnpm/exe@$version" && hash -r && standalone; then
  echo "pnpm $version (standalone) installed"
  exit 0
fi
echo "the standalone pnpm could not be installed: installing the npm package instead" >&2
npm uninstall -g @pnpm/exe >/dev/null 2>&1
npm install -g "pnpm@$version"
