#!/usr/bin/env bash
# Rebuild the site's partial plotly.js bundle from plotly's npm package, offline after
# `npm ci` (Node 20+). The output is committed: exnet needs no Node to build a site.
#   bash tools/plotly/build.sh
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
version=$(node -p "require('plotly.js/package.json').version")
out="../../site_templates/assets/plotly-partial-${version}.min.js"
# maplibre's stylesheet (imported by plotly's registry for map traces) is not needed:
# the site draws no map tiles, so .css imports are dropped.
./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --target=es2016 --loader:.css=empty \
  --legal-comments=none --log-level=warning \
  --banner:js="/*! plotly.js ${version} | MIT License, Copyright (c) Plotly Technologies Inc. | partial bundle: scatter, bar, sankey (tools/plotly/build.sh) */" \
  --outfile="$out"
ls -l "$out"
