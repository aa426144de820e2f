"""Presentation for people: terminal tables, evidence with document titles, plain-language
paths and the command line's reports. Words come from :mod:`shienmap.i18n`."""
