"""Inputs for the fuzz suite: any text, and text that looks almost like what Paddle expects."""

from hypothesis import strategies as st

# Any Unicode (control characters included; hypothesis leaves out surrogates), up to 10 kB.
ANY_TEXT = st.text(max_size=120) | st.text(min_size=90, max_size=10_000)

_ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
_NEAR_ID_CHARS = _ID_CHARS + "ABCXYZ_-./%\x00 é٣"


def _id_like(prefix: str) -> st.SearchStrategy[str]:
    """Well-formed ids and near misses: other prefixes' case, lengths, characters, padding."""
    well_formed = st.text(_ID_CHARS, min_size=26, max_size=26).map(lambda tail: prefix + tail)
    near = st.builds(
        lambda p, tail, pad: pad + p + tail + pad,
        st.sampled_from([prefix, prefix.upper(), prefix[:-1], prefix + "_"]),
        st.text(_NEAR_ID_CHARS, min_size=20, max_size=32),
        st.sampled_from(["", " ", "\t", "\n"]),
    )
    return well_formed | near


CUSTOMER_ID = st.text(_ID_CHARS, min_size=26, max_size=26).map(lambda tail: "ctm_" + tail)
CUSTOMER_ID_LIKE = _id_like("ctm_")
SUBSCRIPTION_ID_LIKE = _id_like("sub_")
EMAIL_LIKE = st.emails() | st.builds(
    lambda local, domain: f"{local}@{domain}", st.text(max_size=70), st.text(max_size=70)
)
