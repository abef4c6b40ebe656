//! kmodules `client-go/api/v1` types: conditions, object references, TLS and health checks.

use k8s_openapi::api::core::v1::TypedLocalObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A status condition as KubeDB reports it: the Kubernetes condition plus a `severity`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// Condition type, for example `Ready` or `Provisioned`.
    #[serde(rename = "type")]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    /// The generation of the object this condition was computed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// How bad a `False` condition is (`Error`, `Warning`, `Info`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// When the status last changed.
    pub last_transition_time: Time,
    /// Machine-readable reason for the last transition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human-readable detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Condition {
    /// `true` when `status` is `"True"`.
    pub fn is_true(&self) -> bool {
        self.status == "True"
    }
}

/// A reference to an object by name and, optionally, namespace.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference {
    /// Namespace of the object; the referrer's namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Name of the object.
    pub name: String,
}

/// How often and how strictly the operator probes the database.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheckSpec {
    /// Seconds between two checks (upstream default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<i32>,
    /// Seconds before one check times out (upstream default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
    /// Failed checks in a row before the database is marked unhealthy (upstream default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i32>,
    /// Skip the write probe and check reads only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_write_check: Option<bool>,
}

/// TLS settings: the cert-manager issuer and per-purpose certificates.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TlsConfig {
    /// Issuer (or ClusterIssuer) that signs every certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_ref: Option<TypedLocalObjectReference>,
    /// Per-alias overrides (`server`, `client`, `metrics-exporter`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificates: Option<Vec<CertificateSpec>>,
}

/// One certificate the operator requests from cert-manager.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateSpec {
    /// What the certificate is for, for example `server` or `client`.
    pub alias: String,
    /// Issuer for this certificate only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_ref: Option<TypedLocalObjectReference>,
    /// Secret that receives the key pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
    /// X.509 subject fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<X509Subject>,
    /// Requested lifetime, as a Go duration (`2160h`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Renew this long before expiry, as a Go duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_before: Option<String>,
    /// DNS subject alternative names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_names: Option<Vec<String>>,
    /// IP subject alternative names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_addresses: Option<Vec<String>>,
    /// URI subject alternative names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uris: Option<Vec<String>>,
    /// E-mail subject alternative names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_addresses: Option<Vec<String>>,
    /// Private key options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<CertificatePrivateKey>,
}

/// Private key options of a certificate.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificatePrivateKey {
    /// Key encoding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<PrivateKeyEncoding>,
}

/// How a private key is encoded.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum PrivateKeyEncoding {
    /// PKCS#1.
    #[serde(rename = "PKCS1")]
    Pkcs1,
    /// PKCS#8.
    #[serde(rename = "PKCS8")]
    Pkcs8,
}

/// X.509 subject fields of a certificate.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct X509Subject {
    /// Organizations (O).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizations: Option<Vec<String>>,
    /// Countries (C).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countries: Option<Vec<String>>,
    /// Organizational units (OU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizational_units: Option<Vec<String>>,
    /// Localities (L).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localities: Option<Vec<String>>,
    /// Provinces (ST).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provinces: Option<Vec<String>>,
    /// Street addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_addresses: Option<Vec<String>>,
    /// Postal codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_codes: Option<Vec<String>>,
    /// Serial number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
}

/// A reference to an object of any kind by group, kind, namespace and name (kmodules
/// `client-go/api/v1` `TypedObjectReference`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TypedObjectReference {
    /// API group of the object; the core group when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_group: Option<String>,
    /// Kind of the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Namespace of the object; the referrer's namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Name of the object.
    pub name: String,
}
