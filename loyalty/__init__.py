"""Loyalty: the loyalty chain (engagement -> customer loyalty -> return) as a plain Python package.

This package never imports streamlit: everything the app shows is computed here and can be
used and tested without a browser.
"""

__version__ = "0.1.0"
