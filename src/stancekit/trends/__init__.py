"""Stance by group and over time, from the rows ``stancekit predict`` writes.

Importing this package imports none of its modules (so ``stancekit --help`` stays instant).
"""
