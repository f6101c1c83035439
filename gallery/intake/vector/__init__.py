"""Vector uploads (SVG, SVGZ, one-page PDF): cleaned and rendered in a confined worker."""
