import pytest

from sessions_app.paddle.ids import (
    QueryKind,
    classify_query,
    is_customer_id,
    is_subscription_id,
    require_customer_id,
    require_subscription_id,
)

CUSTOMER_ID = "ctm_01h844p3h41s12zs5mn4axja51"
SUBSCRIPTION_ID = "sub_01hv959anj4zrw503h2acawb3p"


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("jo@example.com", QueryKind.EMAIL),
        ("  Jo.Brown+billing@example.co.uk ", QueryKind.EMAIL),
        (CUSTOMER_ID, QueryKind.CUSTOMER_ID),
        (f" {CUSTOMER_ID}\n", QueryKind.CUSTOMER_ID),
        (SUBSCRIPTION_ID, QueryKind.SUBSCRIPTION_ID),
        ("ctm_123", QueryKind.MALFORMED_ID),
        ("CTM_01H844P3H41S12ZS5MN4AXJA51", QueryKind.MALFORMED_ID),
        ("sub_01hv959anj4zrw503h2acawb3p/../customers", QueryKind.MALFORMED_ID),
        ("Jo Brown", QueryKind.TEXT),
        ("example.com", QueryKind.TEXT),
        ("jo@example", QueryKind.TEXT),
        ("a@example.com,b@example.com", QueryKind.TEXT),  # `email=` would read it as two emails
        ("ctm-01h844p3h41s12zs5mn4axja51", QueryKind.TEXT),
    ],
)
def test_queries_are_classified_by_what_they_look_like(query: str, kind: QueryKind) -> None:
    assert classify_query(query) is kind


@pytest.mark.parametrize(
    "value",
    [
        "ctm_01h844p3h41s12zs5mn4axja5",  # 25 characters
        "ctm_01h844p3h41s12zs5mn4axja511",  # 27 characters
        "ctm_01H844P3H41S12ZS5MN4AXJA51",  # upper case
        "ctm_01h844p3h41s12zs5mn4axja5\u0663",  # an Arabic-Indic digit matches an unanchored \d
        CUSTOMER_ID + "\n",  # `$` alone would accept a trailing newline
        "ctm_01h844p3h41s12zs5mn4a/../x",
        SUBSCRIPTION_ID,
        "",
        None,
    ],
)
def test_anything_but_a_customer_id_is_refused_before_it_reaches_a_url(value: object) -> None:
    assert not is_customer_id(value)
    if isinstance(value, str):
        with pytest.raises(ValueError, match="customer id"):
            require_customer_id(value)


def test_ids_of_each_kind_are_recognised() -> None:
    assert is_customer_id(CUSTOMER_ID)
    assert is_subscription_id(SUBSCRIPTION_ID)
    assert not is_subscription_id(CUSTOMER_ID)
    assert require_subscription_id(SUBSCRIPTION_ID) == SUBSCRIPTION_ID
    with pytest.raises(ValueError, match="subscription id"):
        require_subscription_id("sub_" + "a" * 25)
