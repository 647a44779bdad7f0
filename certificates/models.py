"""Issued certificates, signing keys and verification records."""
