"""`python -m rootly_incident_action`: the command-line entry."""

from .cli import main

raise SystemExit(main())
