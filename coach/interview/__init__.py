"""The interview: its state, the state machine that runs it, and the rules-based interviewer.

`machine.Interview` is the core (no LLM needed); `coach.agent.interviewer` puts an LLM agent on
top of it.
"""
