"""The artist's side: the submission form, the intake of images and the claim link."""
