// The trace types the gallery draws (site_templates/assets/exnet-*.js): scatter (the
// model map; always in plotly's core), bar (distributions, layer counts) and sankey.
// tests/test_render_assets.py checks that the site asks for no other.
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/sankey')]);
module.exports = Plotly;
