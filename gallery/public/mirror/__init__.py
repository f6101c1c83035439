"""The static mirror: the whole public site as plain files anyone can host anywhere.

``flask --app wsgi mirror DEST`` renders the live site's own templates in every language with
links relative to each file (``links``), for exactly what the live site shows (``site``: the
lifecycle's publication rule and the packs' rule), and writes only what changed, with a
manifest of every file (``writer``). ``operations`` ties them together; ``cli`` is the command.
"""
