"""The read side of scores: ranking maths, the SQL that mirrors it, and the works listing."""
