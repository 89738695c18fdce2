"""Subcommands of `course`; one module each (see course/cli.py for the contract)."""
