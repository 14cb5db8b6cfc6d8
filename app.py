"""`python app.py`: serve Interview Coach in the browser at settings.host:settings.port
(127.0.0.1:7860 unless COACH_HOST / COACH_PORT say otherwise), building the search index first
if it is missing or stale."""

import sys

from coach.errors import CoachError
from coach.ui.app import serve

if __name__ == "__main__":
    try:
        serve()
    except CoachError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
