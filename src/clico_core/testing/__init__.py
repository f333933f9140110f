"""Test support for embedders: Hypothesis strategies and the adapter conformance suite.

Needs the ``dev`` extra (pytest, hypothesis); importing ``clico_core`` itself does not load it.
"""
