"""Spoken answers: audio in, a transcript out (faster-whisper on this machine, or a Whisper
server behind an OpenAI-compatible `/audio/transcriptions`). The transcript is then graded like a
typed answer; the interview keeps it with the audio's length."""
