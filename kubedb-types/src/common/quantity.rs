//! A resource quantity kept as written.

use std::borrow::Cow;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A resource quantity (`250m`, `1Gi`, `1`) in an int-or-string field, kept as written: an
/// integer stays an integer and a string a string, so an object reads and writes back
/// unchanged. k8s-openapi's [`Quantity`] reads an integer as its string (`1` becomes `"1"`),
/// which a round trip would report as a change. The schema is `Quantity`'s.
///
/// ```
/// use kubedb_types::common::quantity::ResourceQuantity;
/// let q: ResourceQuantity = serde_json::from_str("1").unwrap();
/// assert_eq!(serde_json::to_string(&q).unwrap(), "1");
/// assert_eq!(q.to_quantity().0, "1");
/// let q: ResourceQuantity = serde_json::from_str("\"400Mi\"").unwrap();
/// assert_eq!(q.to_quantity().0, "400Mi");
/// ```
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum ResourceQuantity {
    /// Written as an integer.
    Int(i64),
    /// Written as a string.
    Text(Quantity),
}

impl ResourceQuantity {
    /// The quantity as k8s-openapi spells it (an integer as its decimal string).
    pub fn to_quantity(&self) -> Quantity {
        match self {
            ResourceQuantity::Int(n) => Quantity(n.to_string()),
            ResourceQuantity::Text(q) => q.clone(),
        }
    }
}

impl From<Quantity> for ResourceQuantity {
    fn from(q: Quantity) -> Self {
        ResourceQuantity::Text(q)
    }
}

impl JsonSchema for ResourceQuantity {
    fn schema_name() -> Cow<'static, str> {
        <Quantity as JsonSchema>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Quantity as JsonSchema>::json_schema(generator)
    }
}

/// Compares two quantities by value, as apimachinery's `resource.Quantity.Cmp` does (`1Gi`
/// equals `1024Mi`, `1.5Gi` is more than `1Gi`), with the `kube_quantity` crate's parser;
/// `None` when either does not parse.
///
/// ```
/// use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
/// use kubedb_types::common::quantity::compare;
/// use std::cmp::Ordering;
/// let q = |s: &str| Quantity(s.to_owned());
/// assert_eq!(compare(&q("1Gi"), &q("1024Mi")), Some(Ordering::Equal));
/// assert_eq!(compare(&q("500Mi"), &q("1Gi")), Some(Ordering::Less));
/// assert_eq!(compare(&q("2G"), &q("1Gi")), Some(Ordering::Greater));
/// assert_eq!(compare(&q("lots"), &q("1Gi")), None);
/// ```
pub fn compare(a: &Quantity, b: &Quantity) -> Option<std::cmp::Ordering> {
    let a = kube_quantity::ParsedQuantity::try_from(a).ok()?;
    let b = kube_quantity::ParsedQuantity::try_from(b).ok()?;
    a.partial_cmp(&b)
}
