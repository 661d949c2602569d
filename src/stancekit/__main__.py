"""``python -m stancekit``: the command line."""

from stancekit.cli import main

main()
