"""The only Streamlit-aware part of InfoDash: pieces every page shares."""
