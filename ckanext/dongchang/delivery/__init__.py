"""Governed data delivery (issue 16, F-16): what the portal hands out of gated data, to whom,
under which grant — the access log and the use figures read from it."""
