"""An integration's first hour, with a client generated from the committed spec.

scripts/conformance generates a Python client from openapi/openapi.json with
openapi-python-client (as a partner's engineer would), then runs this against the
portal it started. Every call goes through the generated code: typed enumerations,
array parameters, nullable dates and cursors must survive the round trip, and the
numbers must agree with each other the way a reader of the reports expects.

    python client_smoke.py <base url> <email> <password>
"""

import sys

from seller_insights_portal_api_client import AuthenticatedClient, Client
from seller_insights_portal_api_client.api.auth import sign_in
from seller_insights_portal_api_client.api.reports import (
    get_customer,
    get_orders_monthly,
    get_summary,
    get_usage_trend,
    list_customers,
    list_orders,
)
from seller_insights_portal_api_client.models import (
    AzureLicenseType,
    Channel,
    CountryCode,
    ListOrdersSort,
    SignInRequest,
    SubjectArea,
)


def parsed(response, what):
    assert response.status_code == 200, f"{what}: {response.status_code} {response.content[:300]!r}"
    assert response.parsed is not None, f"{what}: the generated client could not read the answer"
    return response.parsed


def main(base, email, password):
    session = parsed(
        sign_in.sync_detailed(client=Client(base_url=base), body=SignInRequest(email=email, password=password)),
        "sign in",
    )
    client = AuthenticatedClient(base_url=base, token=session.access_token)

    summary = parsed(get_summary.sync_detailed(client=client), "summary")
    assert {c.channel for c in summary.new_orders_by_channel} <= set(Channel)

    # Slicers as arrays of enumerations: the client sends them repeated.
    monthly = parsed(
        get_orders_monthly.sync_detailed(
            client=client,
            market=[CountryCode.US, CountryCode.DE],
            azure_license_type=[AzureLicenseType.ENTERPRISE, AzureLicenseType.PAY_AS_YOU_GO],
        ),
        "orders monthly",
    )
    assert sorted(monthly.filters.slicers.market) == ["DE", "US"], monthly.filters.slicers.market
    assert sorted(v.value for v in monthly.filters.slicers.azure_license_type) == [
        "Enterprise",
        "Pay as You Go",
    ]
    by_channel = sum(sum(row.months) for row in monthly.by_channel)
    assert abs(by_channel - monthly.total) < 1e-6, (by_channel, monthly.total)
    assert abs(sum(monthly.month_totals) - monthly.total) < 1e-6
    # Those two license types sell through Direct Enterprise and Web Direct only.
    assert all(
        sum(row.months) == 0
        for row in monthly.by_channel
        if row.channel not in (Channel.DIRECT_ENTERPRISE, Channel.WEB_DIRECT)
    ), monthly.by_channel

    # Top 10 and "Other" add up to each month's total.
    trend = parsed(
        get_usage_trend.sync_detailed(client=client, subject=[SubjectArea.MARKET], top="10"),
        "usage trend",
    )
    assert [a.subject for a in trend.areas] == [SubjectArea.MARKET]
    series = trend.areas[0].series
    assert 1 <= len([s for s in series if not s.other]) <= 10
    for i, total in enumerate(trend.month_totals):
        parts = sum(s.months[i] for s in series)
        assert abs(parts - total) <= 1e-6 * max(1.0, total), (trend.months[i], parts, total)

    # Two pages by cursor, sorted newest first, without overlap.
    first = parsed(
        list_orders.sync_detailed(client=client, page_size=20, sort=ListOrdersSort("-OrderPurchaseDate")),
        "orders page 1",
    )
    assert len(first.rows) == 20 and first.next_cursor
    second = parsed(
        list_orders.sync_detailed(
            client=client, page_size=20, sort=ListOrdersSort("-OrderPurchaseDate"), cursor=first.next_cursor
        ),
        "orders page 2",
    )
    rows = [r.to_dict() for r in first.rows + second.rows]
    dates = [r["orderPurchaseDate"] for r in rows]
    assert dates == sorted(dates, reverse=True), dates
    keys = [(r["marketplaceSubscriptionId"], r["orderId"]) for r in rows]
    assert len(set(keys)) == len(keys), "the second page repeats rows of the first"

    # A customer from the grid, then its own view.
    customers = parsed(list_customers.sync_detailed(client=client, page_size=10), "customers")
    customer_id = customers.rows[0].to_dict()["customerId"]
    view = parsed(get_customer.sync_detailed(client=client, customer_id=customer_id), "customer view")
    assert view.customer_id == customer_id
    assert view.profile is not None and view.profile.customer_id == customer_id
    assert view.order_count >= len(view.orders) >= 1

    print(
        f"generated client: summary, orders monthly ({monthly.total:.0f} new orders), usage trend "
        f"({len(series)} series), two order pages, customer {customer_id}: all as the spec says"
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
