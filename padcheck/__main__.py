"""``python -m padcheck`` runs the command line."""

from padcheck.cli import main

raise SystemExit(main())
