"""InfoDash: service insight for internal information teams.

The library owns all logic and storage and never imports Streamlit (only ``infodash.ui`` does):
``db`` (the DuckDB file), ``review`` (weekly figures), ``touchpoints``, ``customers``, ``catalogue``,
``periods``, ``filters``, ``demo`` (generated data) and ``cli`` (``python -m infodash``).
"""
