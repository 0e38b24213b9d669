"""Benchmarks behind benchmarks/REPORT.md: ``python -m kcx_nlp.benchmark`` runs them all."""
