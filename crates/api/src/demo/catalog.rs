//! The shape of the demo data: publishers, offers and plans, markets, machine sizes.

use shared::dictionary::{MarketplaceLicenseType as Mlt, OfferType};

/// Demo publishers, by slug and name; more than listed get a numbered suffix.
pub const PUBLISHERS: &[(&str, &str)] = &[
    ("contoso", "Contoso Cloud"),
    ("fabrikam", "Fabrikam Software"),
    ("northwind", "Northwind Analytics"),
    ("adatum", "Adatum Systems"),
    ("tailspin", "Tailspin Labs"),
    ("wingtip", "Wingtip Solutions"),
];

/// A plan template: SKU, how it is licensed, monthly list price per unit (USD), preview.
#[derive(Clone, Copy, Debug)]
pub struct PlanTemplate {
    pub sku: &'static str,
    pub license: Mlt,
    pub monthly_price: f64,
    pub preview: bool,
    /// Relative popularity among the offer's plans.
    pub weight: f64,
}

/// An offer template: name suffix, type, plans, relative popularity.
#[derive(Clone, Copy, Debug)]
pub struct OfferTemplate {
    pub suffix: &'static str,
    pub offer_type: OfferType,
    pub plans: &'static [PlanTemplate],
    pub weight: f64,
}

const fn plan(
    sku: &'static str,
    license: Mlt,
    monthly_price: f64,
    preview: bool,
    weight: f64,
) -> PlanTemplate {
    PlanTemplate {
        sku,
        license,
        monthly_price,
        preview,
        weight,
    }
}

/// The offers every demo publisher sells: every offer type, with BYOL, free, preview
/// and paid plans in proportions that put about 15% of orders on BYOL.
pub const OFFERS: &[OfferTemplate] = &[
    OfferTemplate {
        suffix: "Secure Gateway VM",
        offer_type: OfferType::VirtualMachine,
        weight: 3.0,
        plans: &[
            plan("gateway-byol", Mlt::BringYourOwnLicense, 0.0, false, 1.2),
            plan(
                "gateway-standard",
                Mlt::BilledThroughAzure,
                120.0,
                false,
                2.0,
            ),
            plan(
                "gateway-premium",
                Mlt::BilledThroughAzure,
                290.0,
                false,
                0.8,
            ),
            plan(
                "gateway-gpu-preview",
                Mlt::BilledThroughAzure,
                640.0,
                true,
                0.2,
            ),
        ],
    },
    OfferTemplate {
        suffix: "Analytics Appliance",
        offer_type: OfferType::VirtualMachine,
        weight: 2.0,
        plans: &[
            plan("appliance-byol", Mlt::BringYourOwnLicense, 0.0, false, 1.0),
            plan("appliance-payg", Mlt::BilledThroughAzure, 210.0, false, 1.6),
            plan("appliance-community", Mlt::Free, 0.0, false, 0.6),
        ],
    },
    OfferTemplate {
        suffix: "Insights Cloud",
        offer_type: OfferType::SaaS,
        weight: 3.0,
        plans: &[
            plan("insights-free", Mlt::Free, 0.0, false, 0.8),
            plan("insights-team", Mlt::BilledThroughAzure, 12.0, false, 2.0),
            plan(
                "insights-enterprise",
                Mlt::MicrosoftAsReseller,
                35.0,
                false,
                1.0,
            ),
            plan(
                "insights-ai-preview",
                Mlt::BilledThroughAzure,
                45.0,
                true,
                0.2,
            ),
        ],
    },
    OfferTemplate {
        suffix: "Backup as a Service",
        offer_type: OfferType::SaaS,
        weight: 1.5,
        plans: &[
            plan("backup-metered", Mlt::BilledThroughAzure, 25.0, false, 1.5),
            plan("backup-byol", Mlt::BringYourOwnLicense, 0.0, false, 0.4),
        ],
    },
    OfferTemplate {
        suffix: "Data Platform",
        offer_type: OfferType::AzureApplication,
        weight: 1.2,
        plans: &[
            plan(
                "platform-managed",
                Mlt::BilledThroughAzure,
                480.0,
                false,
                1.0,
            ),
            plan("platform-template", Mlt::Free, 0.0, false, 0.5),
        ],
    },
    OfferTemplate {
        suffix: "Edge Runtime",
        offer_type: OfferType::Container,
        weight: 1.0,
        plans: &[
            plan("edge-standard", Mlt::BilledThroughAzure, 60.0, false, 1.0),
            plan("edge-byol", Mlt::BringYourOwnLicense, 0.0, false, 0.5),
        ],
    },
    OfferTemplate {
        suffix: "Sales Connector for Dynamics 365",
        offer_type: OfferType::Dynamics365App,
        weight: 1.0,
        plans: &[
            plan(
                "connector-standard",
                Mlt::MicrosoftAsReseller,
                18.0,
                false,
                1.0,
            ),
            plan("connector-trial", Mlt::Free, 0.0, false, 0.3),
        ],
    },
    OfferTemplate {
        suffix: "KPI Dashboards for Power BI",
        offer_type: OfferType::PowerBiApp,
        weight: 0.8,
        plans: &[
            plan("dashboards-pro", Mlt::MicrosoftAsReseller, 9.0, false, 1.0),
            plan("dashboards-free", Mlt::Free, 0.0, false, 0.4),
        ],
    },
];

/// About 60 markets, most popular first; demo customers are spread over them with a
/// long tail (weight 1/rank^1.1).
pub const MARKETS: &[&str] = &[
    "US", "GB", "DE", "FR", "JP", "CA", "AU", "NL", "IN", "BR", "SE", "CH", "ES", "IT", "KR", "SG",
    "NO", "DK", "FI", "IE", "BE", "AT", "PL", "NZ", "MX", "ZA", "IL", "AE", "HK", "TW", "CZ", "PT",
    "SA", "TR", "CL", "CO", "AR", "MY", "TH", "ID", "PH", "VN", "RO", "HU", "GR", "SK", "SI", "HR",
    "BG", "LT", "LV", "EE", "LU", "IS", "CY", "MT", "EG", "NG", "KE", "PE",
];

/// Virtual machine sizes and their cores.
pub const VM_SIZES: &[(&str, i32)] = &[
    ("Standard_B2s", 2),
    ("Standard_D2s_v5", 2),
    ("Standard_D4s_v5", 4),
    ("Standard_D8s_v5", 8),
    ("Standard_E16s_v5", 16),
    ("Standard_F4s_v2", 4),
    ("Standard_NC6s_v3", 6),
];

/// The currency customers of a market pay in.
pub fn currency_of(market: &str) -> &'static str {
    match market {
        "GB" => "GBP",
        "JP" => "JPY",
        "CA" => "CAD",
        "AU" => "AUD",
        "CH" => "CHF",
        "SE" => "SEK",
        "NO" => "NOK",
        "DK" => "DKK",
        "IN" => "INR",
        "BR" => "BRL",
        "DE" | "FR" | "NL" | "ES" | "IT" | "FI" | "IE" | "BE" | "AT" | "PT" | "GR" | "SK"
        | "SI" | "HR" | "LT" | "LV" | "EE" | "LU" | "CY" | "MT" => "EUR",
        _ => "USD",
    }
}

/// Units of `currency` per US dollar (rounded reference rates; demo only).
pub fn per_usd(currency: &str) -> f64 {
    match currency {
        "GBP" => 0.79,
        "EUR" => 0.92,
        "JPY" => 150.0,
        "CAD" => 1.36,
        "AUD" => 1.52,
        "CHF" => 0.88,
        "SEK" => 10.4,
        "NOK" => 10.6,
        "DKK" => 6.9,
        "INR" => 83.0,
        "BRL" => 5.0,
        _ => 1.0,
    }
}

/// Company-name parts for demo customers.
pub const COMPANY_FIRST: &[&str] = &[
    "Blue", "Bright", "Cedar", "Delta", "Ever", "Falcon", "Granite", "Harbor", "Iron", "Juniper",
    "Kite", "Lumen", "Maple", "Nimbus", "Orchid", "Pioneer", "Quartz", "River", "Summit", "Tidal",
    "Union", "Vertex", "Willow", "Zenith",
];
/// Second parts of company names.
pub const COMPANY_SECOND: &[&str] = &[
    "Logistics",
    "Health",
    "Retail",
    "Energy",
    "Foods",
    "Media",
    "Bank",
    "Insurance",
    "Motors",
    "Pharma",
    "Studios",
    "Telecom",
    "Airlines",
    "Construction",
    "Education",
    "Games",
    "Robotics",
    "Textiles",
    "Travel",
    "Water",
];
/// First names of demo contacts.
pub const FIRST_NAMES: &[&str] = &[
    "Ana", "Ben", "Chloe", "David", "Elif", "Farah", "Goran", "Hana", "Ivan", "Jia", "Kofi",
    "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor",
    "Wei", "Yuki", "Zara",
];
/// Last names of demo contacts.
pub const LAST_NAMES: &[&str] = &[
    "Almeida", "Becker", "Chen", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova",
    "Jensen", "Kim", "Larsen", "Moreau", "Nakamura", "Okafor", "Patel", "Rossi", "Schmidt",
    "Tanaka", "Usman", "Varga", "Weber", "Yilmaz", "Zhang",
];
