//! The data dictionary: every dataset's columns, labels, descriptions, types and
//! enumerations, in one place.
//!
//! UI labels, the Help glossary, export headers, query-parameter values and the
//! OpenAPI descriptions all read from here, so a name never drifts between them.
//! Export headers and the query language use the PascalCase column names; JSON uses
//! their camelCase form ([`json_name`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::countries::COUNTRIES;

/// One value of an enumeration, by its dictionary name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnumValue {
    /// The value as it travels on the wire and in exports.
    pub name: &'static str,
    /// What the value means, for the glossary.
    pub description: &'static str,
}

/// An enumeration of the dictionary with all its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Enumeration {
    /// The enumeration's dictionary name (`AzureLicenseType`).
    pub name: &'static str,
    /// Its label in the app ("Azure License Type").
    pub label: &'static str,
    /// What it means, for the glossary.
    pub description: &'static str,
    /// Its values in their dictionary order.
    pub values: &'static [EnumValue],
}

macro_rules! dictionary_enum {
    (
        $(#[$meta:meta])*
        $ty:ident = $name:literal, $label:literal, $desc:literal {
            $( $variant:ident => $value:literal : $vdesc:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $ty {
            $( #[doc = $vdesc] #[serde(rename = $value)] $variant ),+
        }

        // By hand, not derived: utoipa's derive does not see a `serde(rename)` whose
        // value comes through this macro, and listed the variants' Rust names.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                enum_schema(&$ty::ENUMERATION)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $ty {}

        impl $ty {
            /// Every value, in dictionary order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The enumeration's metadata for the glossary and validation messages.
            pub const ENUMERATION: Enumeration = Enumeration {
                name: $name,
                label: $label,
                description: $desc,
                values: &[$(EnumValue { name: $value, description: $vdesc }),+],
            };

            /// The value's dictionary name.
            pub const fn name(self) -> &'static str {
                match self { $($ty::$variant => $value),+ }
            }

            /// The value with this dictionary name (compared without regard to case).
            pub fn from_name(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.name().eq_ignore_ascii_case(text.trim()))
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

/// The OpenAPI schema of an enumeration: a string of one of its dictionary names, which
/// are what travels on the wire, with each value's meaning in the description.
#[cfg(feature = "openapi")]
pub fn enum_schema(e: &Enumeration) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let mut description = format!("{}\n\nValues:", e.description);
    for v in e.values {
        description.push_str(&format!("\n- `{}`: {}", v.name, v.description));
    }
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(e.values.iter().map(|v| v.name)))
        .description(Some(description))
        .into()
}

dictionary_enum! {
    /// How the customer buys Azure.
    AzureLicenseType = "AzureLicenseType", "Azure License Type",
        "How the customer is licensed for Azure: the customer's billing agreement with the cloud." {
        CloudSolutionProvider => "Cloud Solution Provider": "Bought through a Cloud Solution Provider partner.",
        Enterprise => "Enterprise": "Bought directly under an Enterprise Agreement.",
        EnterpriseThroughReseller => "Enterprise through Reseller": "Bought under an Enterprise Agreement through a reseller.",
        PayAsYouGo => "Pay as You Go": "Bought directly online, paying as you go.",
    }
}

dictionary_enum! {
    /// The sales channel, derived from the Azure license type.
    Channel = "Channel", "Channel",
        "The sales channel through which the customer bought, derived from the Azure License Type." {
        Csp => "CSP": "Cloud Solution Provider partners.",
        DirectEnterprise => "Direct Enterprise": "Enterprise Agreements signed directly.",
        IndirectEnterprise => "Indirect Enterprise": "Enterprise Agreements through a reseller.",
        WebDirect => "Web Direct": "Pay-as-you-go customers buying online.",
    }
}

impl AzureLicenseType {
    /// The channel this license type sells through.
    pub const fn channel(self) -> Channel {
        match self {
            AzureLicenseType::CloudSolutionProvider => Channel::Csp,
            AzureLicenseType::Enterprise => Channel::DirectEnterprise,
            AzureLicenseType::EnterpriseThroughReseller => Channel::IndirectEnterprise,
            AzureLicenseType::PayAsYouGo => Channel::WebDirect,
        }
    }
}

dictionary_enum! {
    /// How the marketplace licenses the offer.
    MarketplaceLicenseType = "MarketplaceLicenseType", "Marketplace License Type",
        "How the customer pays for the offer through the marketplace." {
        BilledThroughAzure => "Billed Through Azure": "The marketplace bills the customer and pays the publisher out.",
        BringYourOwnLicense => "Bring Your Own License": "The customer brings a license bought from the publisher directly (BYOL); the marketplace bills nothing.",
        Free => "Free": "The offer or plan costs nothing.",
        MicrosoftAsReseller => "Microsoft as Reseller": "The marketplace resells the publisher's licenses and pays the publisher out.",
    }
}

impl MarketplaceLicenseType {
    /// Paid offers earn payouts: billed through the marketplace or resold by it.
    pub const fn is_paid(self) -> bool {
        matches!(
            self,
            MarketplaceLicenseType::BilledThroughAzure
                | MarketplaceLicenseType::MicrosoftAsReseller
        )
    }
}

dictionary_enum! {
    /// The kind of marketplace offer.
    OfferType = "OfferType", "Offer Type", "The kind of marketplace offer." {
        VirtualMachine => "Virtual Machine": "A virtual machine image, billed by the hour of use.",
        SaaS => "SaaS": "Software as a service, billed by subscription or metered usage.",
        AzureApplication => "Azure Application": "A solution template or managed application.",
        Container => "Container": "A container image or Kubernetes application.",
        Dynamics365App => "Dynamics 365 App": "An app for Dynamics 365.",
        PowerBiApp => "Power BI App": "An app for Power BI.",
    }
}

dictionary_enum! {
    /// Whether a plan is billed.
    SkuBillingType = "SKUBillingType", "SKU Billing Type", "Whether the plan (SKU) is billed." {
        Free => "Free": "The plan costs nothing.",
        Paid => "Paid": "The plan is billed.",
    }
}

dictionary_enum! {
    /// Whether an order is still in force.
    OrderStatus = "OrderStatus", "Order Status", "Whether the order is still in force." {
        Active => "Active": "The order is in force.",
        Cancelled => "Cancelled": "The customer cancelled the order.",
    }
}

dictionary_enum! {
    /// The kind of usage measured.
    UsageType = "UsageType", "Usage Type", "The kind of usage a usage row measures." {
        VmNormalized => "VM Normalized": "Virtual machine hours multiplied by the machine's cores.",
        VmRaw => "VM Raw": "Virtual machine hours as run.",
        Metered => "Metered": "Custom meter units reported by a SaaS or application offer.",
    }
}

dictionary_enum! {
    /// The state of a customer's licenses.
    LicenseState = "LicenseState", "License State", "The state of the customer's licenses." {
        Active => "Active": "The licenses are in use.",
        Suspended => "Suspended": "The licenses are suspended, for example for non-payment.",
        Expired => "Expired": "The licenses' term has ended.",
    }
}

dictionary_enum! {
    /// Where a payout stands.
    PayoutStatus = "PayoutStatus", "Payout Status", "Where the payout of an earning stands." {
        Sent => "Sent": "The payout was sent to the publisher.",
        Upcoming => "Upcoming": "The payout is scheduled for a coming payment run.",
        Unprocessed => "Unprocessed": "The earning is not yet processed for payout.",
        Rejected => "Rejected": "The payout was rejected, for example for incomplete tax or bank details.",
    }
}

dictionary_enum! {
    /// Whether the customer is a person or an organization.
    CustomerType = "CustomerType", "Customer Type", "Whether the customer is a person or an organization." {
        Individual => "Individual": "A person buying for themselves.",
        Organization => "Organization": "A company or other organization.",
    }
}

/// The Market enumeration: ISO 3166-1 alpha-2 codes labelled with their English names.
pub const MARKET: Enumeration = Enumeration {
    name: "Market",
    label: "Market",
    description: "The customer's billing country or region, as an ISO 3166-1 alpha-2 code.",
    values: &[],
};

/// The English name of a market (country or region) code, if it is one.
pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRIES
        .binary_search_by(|(c, _)| c.cmp(&code))
        .ok()
        .map(|i| COUNTRIES[i].1)
}

/// The canonical (upper-case) market code for `text`, if it is an ISO 3166-1 alpha-2 code.
pub fn market_code(text: &str) -> Option<&'static str> {
    let upper = text.trim().to_ascii_uppercase();
    COUNTRIES
        .binary_search_by(|(c, _)| c.cmp(&upper.as_str()))
        .ok()
        .map(|i| COUNTRIES[i].0)
}

/// Preview Status: whether a plan is a preview (`IsPreviewSKU` true) or live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PreviewStatus {
    /// A preview plan, visible only to a restricted audience.
    Preview,
    /// A live plan.
    Live,
}

impl PreviewStatus {
    /// Both values.
    pub const ALL: &'static [PreviewStatus] = &[PreviewStatus::Preview, PreviewStatus::Live];

    /// The status of a plan with this `IsPreviewSKU` flag.
    pub const fn of(is_preview: bool) -> Self {
        if is_preview {
            Self::Preview
        } else {
            Self::Live
        }
    }

    /// The dictionary name.
    pub const fn name(self) -> &'static str {
        match self {
            PreviewStatus::Preview => "Preview",
            PreviewStatus::Live => "Live",
        }
    }

    /// The value with this name, without regard to case.
    pub fn from_name(text: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.name().eq_ignore_ascii_case(text.trim()))
    }
}

/// The enumerations of the dictionary, for the glossary.
pub const ENUMERATIONS: &[Enumeration] = &[
    AzureLicenseType::ENUMERATION,
    Channel::ENUMERATION,
    MarketplaceLicenseType::ENUMERATION,
    OfferType::ENUMERATION,
    SkuBillingType::ENUMERATION,
    OrderStatus::ENUMERATION,
    UsageType::ENUMERATION,
    LicenseState::ENUMERATION,
    PayoutStatus::ENUMERATION,
    CustomerType::ENUMERATION,
    MARKET,
];

/// The type of a column's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// Free text.
    Text,
    /// A whole number.
    Integer,
    /// A decimal quantity (usage hours and units).
    Decimal,
    /// An amount of money, a decimal string travelling with a currency column.
    Money,
    /// An ISO 4217 currency code.
    Currency,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A timestamp, RFC 3339 UTC.
    Timestamp,
    /// True or false.
    Boolean,
    /// A country or region code (ISO 3166-1 alpha-2).
    Country,
    /// One value of an enumeration.
    Enumeration(&'static Enumeration),
}

impl ColumnType {
    /// A short name of the type for the glossary and error messages.
    pub fn label(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Integer => "integer",
            ColumnType::Decimal => "decimal",
            ColumnType::Money => "money",
            ColumnType::Currency => "currency code",
            ColumnType::Date => "date",
            ColumnType::Timestamp => "timestamp",
            ColumnType::Boolean => "boolean",
            ColumnType::Country => "country code",
            ColumnType::Enumeration(_) => "enumeration",
        }
    }
}

/// A column of a dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// The PascalCase name used in exports and the query language.
    pub name: &'static str,
    /// The label shown in the app.
    pub label: &'static str,
    /// The value type.
    pub kind: ColumnType,
    /// Personal data, masked for callers without the Customers permission.
    pub pii: bool,
    /// What the column holds, for the glossary and API reference.
    pub description: &'static str,
    /// Whether a row may leave it empty (`null` in JSON, an empty cell in downloads).
    pub nullable: bool,
}

impl Column {
    /// The same column, allowed to be empty.
    const fn nullable(self) -> Column {
        Column {
            nullable: true,
            ..self
        }
    }

    /// The column's JSON field name (camelCase).
    pub fn json_name(&self) -> String {
        json_name(self.name)
    }

    /// The column's name in the database (snake_case).
    pub fn db_name(&self) -> String {
        snake_name(self.name)
    }
}

/// The snake_case name of a PascalCase dictionary name, keeping acronyms whole
/// (`IsPreviewSKU` becomes `is_preview_sku`, `VMSize` becomes `vm_size`).
pub fn snake_name(pascal: &str) -> String {
    let chars: Vec<char> = pascal.chars().collect();
    let mut out = String::with_capacity(pascal.len() + 4);
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev_lower = chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = chars[i - 1].is_ascii_uppercase();
            if prev_lower || (prev_upper && next_lower) {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The camelCase JSON name of a PascalCase dictionary name: the leading capitals are
/// lowered, keeping the last of a run when a lower-case letter follows it
/// (`SKUBillingType` becomes `skuBillingType`, `VMSize` becomes `vmSize`).
pub fn json_name(pascal: &str) -> String {
    let chars: Vec<char> = pascal.chars().collect();
    let run = chars.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let lower_upto = if run > 1 && run < chars.len() {
        run - 1
    } else {
        run.max(1)
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < lower_upto {
                c.to_ascii_lowercase()
            } else {
                *c
            }
        })
        .collect()
}

/// A dataset of the dictionary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Dataset {
    /// One row per order of a subscription.
    Orders,
    /// One row per subscription, meter and day.
    Usage,
    /// One row per customer and subscription.
    Customers,
    /// One row per customer, product, plan and month.
    Licenses,
    /// One row per purchase-record line item.
    Payouts,
}

impl Dataset {
    /// Every dataset.
    pub const ALL: &'static [Dataset] = &[
        Dataset::Orders,
        Dataset::Usage,
        Dataset::Customers,
        Dataset::Licenses,
        Dataset::Payouts,
    ];

    /// The dataset's name in the query language and in the API path (lower case).
    pub const fn slug(self) -> &'static str {
        match self {
            Dataset::Orders => "orders",
            Dataset::Usage => "usage",
            Dataset::Customers => "customers",
            Dataset::Licenses => "licenses",
            Dataset::Payouts => "payouts",
        }
    }

    /// The dataset's display name.
    pub const fn name(self) -> &'static str {
        match self {
            Dataset::Orders => "Orders",
            Dataset::Usage => "Usage",
            Dataset::Customers => "Customers",
            Dataset::Licenses => "Licenses",
            Dataset::Payouts => "Payouts",
        }
    }

    /// The dataset with this slug or name, without regard to case.
    pub fn from_name(text: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|d| d.slug().eq_ignore_ascii_case(text.trim()))
    }

    /// What one row of the dataset is.
    pub const fn description(self) -> &'static str {
        match self {
            Dataset::Orders => "One row per order of a subscription.",
            Dataset::Usage => "One row per subscription, meter and day.",
            Dataset::Customers => "One row per customer and subscription.",
            Dataset::Licenses => "One row per customer, product, plan and month.",
            Dataset::Payouts => "One row per purchase-record line item.",
        }
    }

    /// The dataset's columns, in export order.
    pub const fn columns(self) -> &'static [Column] {
        match self {
            Dataset::Orders => ORDERS,
            Dataset::Usage => USAGE,
            Dataset::Customers => CUSTOMERS,
            Dataset::Licenses => LICENSES,
            Dataset::Payouts => PAYOUTS,
        }
    }

    /// The column with this PascalCase or camelCase name, without regard to case.
    pub fn column(self, name: &str) -> Option<&'static Column> {
        self.columns()
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

const fn col(
    name: &'static str,
    label: &'static str,
    kind: ColumnType,
    description: &'static str,
) -> Column {
    Column {
        name,
        label,
        kind,
        pii: false,
        description,
        nullable: false,
    }
}

const fn pii(name: &'static str, label: &'static str, description: &'static str) -> Column {
    Column {
        name,
        label,
        kind: ColumnType::Text,
        pii: true,
        description,
        nullable: false,
    }
}

const fn en(e: &'static Enumeration) -> ColumnType {
    ColumnType::Enumeration(e)
}

use ColumnType::{Boolean, Country, Currency, Date, Decimal, Integer, Money, Text, Timestamp};

const SUBSCRIPTION: Column = col(
    "MarketplaceSubscriptionId",
    "Marketplace Subscription ID",
    Text,
    "The customer's subscription to the offer. For Bring Your Own License orders it is a stable keyed hash, never the real ID.",
);
const MONTH_START: Column = col(
    "MonthStartDate",
    "Month",
    Date,
    "The first day of the month the row belongs to.",
);
const OFFER_ID: Column = col(
    "OfferId",
    "Offer ID",
    Text,
    "The offer's identifier in the marketplace.",
);
const OFFER_NAME: Column = col(
    "OfferName",
    "Offer Name",
    Text,
    "The offer's title as shown in the marketplace.",
);
const OFFER_TYPE: Column = col(
    "OfferType",
    "Offer Type",
    en(&OfferType::ENUMERATION),
    "The kind of marketplace offer.",
);
const SKU: Column = col("Sku", "SKU", Text, "The plan (SKU) of the offer.");
const AZURE_LT: Column = col(
    "AzureLicenseType",
    "Azure License Type",
    en(&AzureLicenseType::ENUMERATION),
    "How the customer is licensed for Azure.",
);
const CHANNEL: Column = col(
    "Channel",
    "Channel",
    en(&Channel::ENUMERATION),
    "The sales channel, derived from the Azure License Type.",
);
const MARKETPLACE_LT: Column = col(
    "MarketplaceLicenseType",
    "Marketplace License Type",
    en(&MarketplaceLicenseType::ENUMERATION),
    "How the customer pays for the offer through the marketplace.",
);
const CUSTOMER_COUNTRY: Column = col(
    "CustomerCountry",
    "Market",
    Country,
    "The customer's billing country or region (the Market slicer).",
);
const IS_PREVIEW: Column = col(
    "IsPreviewSKU",
    "Preview Status",
    Boolean,
    "Whether the plan is a preview plan (true, \"Preview\") or live (false, \"Live\").",
);
const CUSTOMER_ID: Column = col(
    "CustomerId",
    "Customer ID",
    Text,
    "The customer's identifier.",
);
const CUSTOMER_NAME: Column = pii("CustomerName", "Customer Name", "The customer's name.");
const CUSTOMER_COMPANY: Column = pii(
    "CustomerCompanyName",
    "Customer Company Name",
    "The customer's company.",
);
const BILLING_ACCOUNT: Column = col(
    "BillingAccountId",
    "Billing Account ID",
    Text,
    "The customer's billing account.",
);

/// The Orders dataset's columns.
pub const ORDERS: &[Column] = &[
    SUBSCRIPTION,
    MONTH_START,
    OFFER_ID,
    OFFER_NAME,
    OFFER_TYPE,
    SKU,
    AZURE_LT,
    CHANNEL,
    MARKETPLACE_LT,
    CUSTOMER_COUNTRY,
    IS_PREVIEW,
    col(
        "OrderId",
        "Order ID",
        Text,
        "The order's identifier; unique per publisher.",
    ),
    col(
        "OrderQuantity",
        "Order Quantity",
        Integer,
        "The number of units (seats, instances) ordered.",
    ),
    col(
        "IsNewCustomer",
        "New Customer",
        Boolean,
        "Whether this is the customer's first order of the publisher's offers.",
    ),
    col(
        "OrderStatus",
        "Order Status",
        en(&OrderStatus::ENUMERATION),
        "Whether the order is still in force.",
    ),
    col(
        "OrderPurchaseDate",
        "Purchase Date",
        Date,
        "The day the order was placed. New orders of a month are those purchased in it.",
    ),
    col(
        "OrderCancelDate",
        "Cancel Date",
        Date,
        "The day the order was cancelled, if it was.",
    )
    .nullable(),
    col(
        "TrialEndDate",
        "Trial End Date",
        Date,
        "The day the free trial ends or ended, if there is one.",
    )
    .nullable(),
    col(
        "HasTrial",
        "Has Trial",
        Boolean,
        "Whether the order started with a free trial.",
    ),
    col(
        "TermStartDate",
        "Term Start Date",
        Date,
        "The first day of the current term.",
    )
    .nullable(),
    col(
        "TermEndDate",
        "Term End Date",
        Date,
        "The last day of the current term.",
    )
    .nullable(),
    col(
        "PurchaseRecordId",
        "Purchase Record ID",
        Text,
        "The purchase record the order is billed on.",
    ),
    col(
        "PurchaseRecordLineItemId",
        "Purchase Record Line Item ID",
        Text,
        "The line item of the purchase record.",
    ),
    CUSTOMER_ID,
    CUSTOMER_NAME,
    CUSTOMER_COMPANY,
    BILLING_ACCOUNT,
    col(
        "EstimatedCharges",
        "Estimated Charges",
        Money,
        "The order's estimated charges in the customer's currency.",
    ),
    col(
        "Currency",
        "Currency",
        Currency,
        "The currency of the estimated charges (ISO 4217).",
    ),
];

/// The Usage dataset's columns.
pub const USAGE: &[Column] = &[
    SUBSCRIPTION,
    col(
        "UsageDate",
        "Usage Date",
        Date,
        "The day the usage happened.",
    ),
    MONTH_START,
    OFFER_ID,
    OFFER_NAME,
    OFFER_TYPE,
    SKU,
    col("PlanId", "Plan ID", Text, "The plan's identifier."),
    col(
        "SKUBillingType",
        "SKU Billing Type",
        en(&SkuBillingType::ENUMERATION),
        "Whether the plan is billed.",
    ),
    AZURE_LT,
    CHANNEL,
    MARKETPLACE_LT,
    CUSTOMER_COUNTRY,
    IS_PREVIEW,
    col(
        "IsPrivateOffer",
        "Private Offer",
        Boolean,
        "Whether the plan is offered privately to chosen customers.",
    ),
    col(
        "VMSize",
        "VM Size",
        Text,
        "The virtual machine size the usage ran on.",
    ),
    col(
        "CoreSize",
        "Core Size",
        Integer,
        "The number of cores of the virtual machine size.",
    ),
    col(
        "DeploymentMethod",
        "Deployment Method",
        Text,
        "How the offer was deployed (virtual machine, managed application, ...).",
    ),
    col(
        "UsageType",
        "Usage Type",
        en(&UsageType::ENUMERATION),
        "The kind of usage the row measures.",
    ),
    col(
        "NormalizedUsage",
        "Normalized Usage",
        Decimal,
        "Hours of use multiplied by the machine's cores (cores × raw hours).",
    ),
    col("RawUsage", "Raw Usage", Decimal, "Hours of use as run."),
    col(
        "MeteredUsage",
        "Metered Usage",
        Decimal,
        "Units of a custom meter, for metered offers.",
    ),
    col(
        "MeterId",
        "Meter ID",
        Text,
        "The meter the usage was reported on.",
    ),
    col(
        "MeterDimension",
        "Meter Dimension",
        Text,
        "The dimension of a custom meter.",
    ),
    col(
        "UsageUnit",
        "Usage Unit",
        Text,
        "The unit of the usage (hours, or a custom meter's unit).",
    ),
    col(
        "UsageReference",
        "Usage Reference",
        Text,
        "The usage event's reference, unique per subscription, meter and day.",
    ),
    CUSTOMER_ID,
    CUSTOMER_NAME,
    CUSTOMER_COMPANY,
    BILLING_ACCOUNT,
    col(
        "CustomerCurrencyCC",
        "Customer Currency",
        Currency,
        "The customer's currency (ISO 4217).",
    ),
    col(
        "PriceCC",
        "Price (customer currency)",
        Money,
        "The unit price in the customer's currency.",
    ),
    col(
        "EstimatedExtendedChargeCC",
        "Estimated Charge (customer currency)",
        Money,
        "The estimated charge for the usage in the customer's currency.",
    ),
    col(
        "PayoutCurrencyPC",
        "Payout Currency",
        Currency,
        "The publisher's payout currency (ISO 4217).",
    ),
    col(
        "EstimatedExtendedChargePC",
        "Estimated Charge (payout currency)",
        Money,
        "The estimated charge in the payout currency.",
    ),
];

/// The Customers dataset's columns.
pub const CUSTOMERS: &[Column] = &[
    SUBSCRIPTION,
    CUSTOMER_ID,
    BILLING_ACCOUNT,
    col(
        "CustomerType",
        "Customer Type",
        en(&CustomerType::ENUMERATION),
        "Whether the customer is a person or an organization.",
    ),
    CUSTOMER_COMPANY,
    pii(
        "FirstName",
        "First Name",
        "The customer contact's first name.",
    ),
    pii("LastName", "Last Name", "The customer contact's last name."),
    pii("Email", "Email", "The customer contact's email address."),
    col("CustomerCity", "City", Text, "The customer's billing city."),
    col(
        "CustomerState",
        "State",
        Text,
        "The customer's billing state or province.",
    ),
    col(
        "CustomerPostalCode",
        "Postal Code",
        Text,
        "The customer's billing postal code.",
    ),
    col(
        "CustomerCountryRegion",
        "Country/Region",
        Country,
        "The customer's billing country or region.",
    ),
    col(
        "CustomerCommunicationCulture",
        "Communication Language",
        Text,
        "The language the customer prefers (a culture such as en-US).",
    ),
    AZURE_LT,
    MARKETPLACE_LT,
    OFFER_NAME,
    col("PlanId", "Plan ID", Text, "The plan's identifier."),
    SKU,
    col(
        "DateAcquired",
        "Date Acquired",
        Date,
        "The day the customer first ordered the offer.",
    ),
    col(
        "DateLost",
        "Date Lost",
        Date,
        "The day the customer cancelled their last order of the offer, if they did.",
    )
    .nullable(),
    col(
        "LastModifiedAt",
        "Last Modified",
        Timestamp,
        "When the customer's record last changed.",
    ),
];

/// The Licenses dataset's columns (the License dashboard's download columns).
pub const LICENSES: &[Column] = &[
    col(
        "CustomerCountry",
        "Country/Region",
        Text,
        "The customer's billing country or region.",
    ),
    col(
        "CustomerCountryCode",
        "Country/Region Code",
        Country,
        "The customer's billing country code.",
    ),
    CUSTOMER_NAME,
    col(
        "ActivationDate",
        "Activation Date",
        Date,
        "The day the licenses were activated.",
    ),
    col(
        "ProductDisplayName",
        "Product",
        Text,
        "The offer title as shown in the marketplace.",
    ),
    col("ProductId", "Product ID", Text, "The product's identifier."),
    col(
        "PlanName",
        "Plan Name",
        Text,
        "The name of the plan in the offer.",
    ),
    col(
        "ServiceId",
        "Service ID",
        Text,
        "The identifier the package uses to map the plan to license checks.",
    ),
    col(
        "LicenseState",
        "License State",
        en(&LicenseState::ENUMERATION),
        "The state of the licenses.",
    ),
    col(
        "LicensesAssigned",
        "Licenses Assigned",
        Integer,
        "Licenses the customer assigned to its users.",
    ),
    col(
        "LicensesProvisioned",
        "Licenses Provisioned",
        Integer,
        "Licenses activated in the customer's account.",
    ),
    OFFER_TYPE,
    MONTH_START,
    CUSTOMER_ID,
];

/// The Payouts dataset's columns.
pub const PAYOUTS: &[Column] = &[
    col(
        "PurchaseRecordId",
        "Purchase Record ID",
        Text,
        "The purchase record the earning comes from.",
    ),
    col(
        "LineItemId",
        "Line Item ID",
        Text,
        "The line item of the purchase record.",
    ),
    MONTH_START,
    OFFER_NAME,
    OFFER_TYPE,
    SKU,
    CUSTOMER_ID,
    CHANNEL,
    col(
        "TransactionAmountCC",
        "Transaction Amount",
        Money,
        "What the customer paid, in the customer's currency.",
    ),
    col(
        "CustomerCurrencyCC",
        "Customer Currency",
        Currency,
        "The customer's currency (ISO 4217).",
    ),
    col(
        "EarningAmountPC",
        "Earning Amount",
        Money,
        "The publisher's earning in the payout currency.",
    ),
    col(
        "PayoutCurrencyPC",
        "Payout Currency",
        Currency,
        "The publisher's payout currency (ISO 4217).",
    ),
    col(
        "EarningAmountUSD",
        "Earning Amount (USD)",
        Money,
        "The publisher's earning in US dollars.",
    ),
    col(
        "PayoutStatus",
        "Payout Status",
        en(&PayoutStatus::ENUMERATION),
        "Where the payout stands.",
    ),
    col(
        "EstimatedPayoutMonth",
        "Estimated Payout Month",
        Date,
        "The month the payout is expected to be sent.",
    ),
    col(
        "PaymentSentDate",
        "Payment Sent Date",
        Date,
        "The day the payout was sent, if it was.",
    )
    .nullable(),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_are_camel_case() {
        assert_eq!(
            json_name("MarketplaceSubscriptionId"),
            "marketplaceSubscriptionId"
        );
        assert_eq!(json_name("SKUBillingType"), "skuBillingType");
        assert_eq!(json_name("VMSize"), "vmSize");
        assert_eq!(json_name("IsPreviewSKU"), "isPreviewSKU");
        assert_eq!(json_name("Sku"), "sku");
    }

    #[test]
    fn db_names_are_snake_case() {
        assert_eq!(
            snake_name("MarketplaceSubscriptionId"),
            "marketplace_subscription_id"
        );
        assert_eq!(snake_name("IsPreviewSKU"), "is_preview_sku");
        assert_eq!(snake_name("SKUBillingType"), "sku_billing_type");
        assert_eq!(snake_name("VMSize"), "vm_size");
        assert_eq!(snake_name("CustomerCurrencyCC"), "customer_currency_cc");
        assert_eq!(snake_name("EarningAmountUSD"), "earning_amount_usd");
    }

    #[test]
    fn enumerations_round_trip_through_their_names() {
        for v in AzureLicenseType::ALL {
            assert_eq!(AzureLicenseType::from_name(v.name()), Some(*v));
        }
        assert_eq!(OfferType::from_name("saas"), Some(OfferType::SaaS));
        assert_eq!(OfferType::from_name("Spreadsheet"), None);
        assert_eq!(
            serde_json::to_string(&MarketplaceLicenseType::BringYourOwnLicense).unwrap(),
            "\"Bring Your Own License\""
        );
    }

    #[test]
    fn channel_follows_azure_license_type_in_order() {
        let channels: Vec<Channel> = AzureLicenseType::ALL.iter().map(|t| t.channel()).collect();
        assert_eq!(channels, Channel::ALL);
    }

    #[test]
    fn column_names_are_unique_within_each_dataset() {
        for dataset in Dataset::ALL {
            let mut names: Vec<&str> = dataset.columns().iter().map(|c| c.name).collect();
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len(), "{dataset} repeats a column");
        }
    }

    #[test]
    fn markets_are_iso_codes_with_names() {
        assert_eq!(country_name("DE"), Some("Germany"));
        assert_eq!(market_code("us"), Some("US"));
        assert_eq!(market_code("XX"), None);
        assert!(
            COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0),
            "COUNTRIES must stay sorted"
        );
    }
}
