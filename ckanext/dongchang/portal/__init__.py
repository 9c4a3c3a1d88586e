"""The district portal's front pages: the home page's figures (the About page is a template)."""
