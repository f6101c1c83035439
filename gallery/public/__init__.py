"""Public site: the gallery, work and artist pages, sticker packs, the call for works, the feed."""
