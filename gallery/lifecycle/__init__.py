"""The life of a work after intake: what may be public, what may be printed, what deletion
removes. Every page, command, pack, export, feed and backup asks these functions, so no path
can forget a consent, a decision, a withdrawal or a deletion.
"""
