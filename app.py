"""`python app.py`: serve Interview Coach in the browser at settings.host:settings.port
(127.0.0.1:7860 unless COACH_HOST / COACH_PORT say otherwise), building the search index first
if it is missing or stale."""

from coach.ui.app import serve

if __name__ == "__main__":
    serve()
