"""The multi-host set-up of the README, proven on one machine."""
