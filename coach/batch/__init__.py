"""Batch grading of answer files (`coach grade`): inputs, the resumable run, outputs."""
