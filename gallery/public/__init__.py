"""Public site: the gallery, work and artist pages, the call for works, the Atom feed."""
