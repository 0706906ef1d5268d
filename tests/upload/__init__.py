"""Tests of fhirmig.upload."""
