"""Dexterity content types of a software center."""
