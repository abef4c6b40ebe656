//! String formats: which formats the API server keeps for a node's type
//! (k8s.io/apiextensions-apiserver@v0.36.3:pkg/apiserver/validation/formats.go), and the
//! checks of the ones this validator enforces ([`CHECKED_STRING_FORMATS`]), as strfmt and
//! k8s.io/utils/net define them.

use std::sync::LazyLock;

use regex::Regex;

/// The formats the API server checks for strings (k8s.io/apiextensions-apiserver@v0.36.3:
/// pkg/apiserver/validation/formats.go, normalized without `-`, at compatibility version
/// 1.34 or later); any other string format is stripped and not checked.
const STRING_FORMATS: [&str; 26] = [
    "bsonobjectid",
    "uri",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "cidr",
    "mac",
    "uuid",
    "uuid3",
    "uuid4",
    "uuid5",
    "isbn",
    "isbn10",
    "isbn13",
    "creditcard",
    "ssn",
    "hexcolor",
    "rgbcolor",
    "byte",
    "password",
    "date",
    "duration",
    "datetime",
    "k8sshortname",
    "k8slongname",
];

/// `StripUnsupportedFormatsPostProcessorForVersion`: the format kept for a node's type.
pub(super) fn kept_format(types: &[String], format: &str) -> String {
    if format.is_empty() {
        return String::new();
    }
    let single = if types.len() == 1 {
        types[0].as_str()
    } else {
        ""
    };
    let keep = match single {
        "" | "string" => STRING_FORMATS.contains(&format.replace('-', "").as_str()),
        "integer" => matches!(format, "int32" | "int64"),
        "number" => matches!(format, "float" | "double"),
        _ => false,
    };
    if keep {
        format.to_owned()
    } else {
        String::new()
    }
}

static DATE_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$")
        .expect("constant pattern")
});
static BASE64: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$")
        .expect("constant pattern")
});
static UUID: LazyLock<[Regex; 4]> = LazyLock::new(|| {
    [
        r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$",
        r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$",
        r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$",
        r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$",
    ]
    .map(|p| Regex::new(p).expect("constant pattern"))
});
static HEX_COLOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$").expect("constant pattern"));
static DNS_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").expect("constant pattern"));
static DNS_SUBDOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
        .expect("constant pattern")
});

/// `YYYY-MM-DD` with a real day of that month (Go `time.Parse("2006-01-02", s)`).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// strfmt `IsDateTime`: a date, `t`, then `hh:mm:ss[.frac](z|±hh:mm)`, case-insensitive.
fn is_date_time(s: &str) -> bool {
    if s.len() < 4 {
        return false;
    }
    let lower = s.to_lowercase();
    let mut parts = lower.split('t');
    let (Some(date), Some(time)) = (parts.next(), parts.next()) else {
        return false;
    };
    if !is_date(date) {
        return false;
    }
    let Some(c) = DATE_TIME.captures(time) else {
        return false;
    };
    &c[1] <= "23" && &c[2] <= "59" && &c[3] <= "59"
}

/// IPv4 in dotted form, leading zeros tolerated (k8s.io/utils/net `ParseIPSloppy`).
fn is_ipv4_sloppy(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|c| c.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// Checks a string against a format the API server enforces: `Some(valid)`, or `None` when
/// this validator does not check that format (listed in the README).
pub(super) fn check_format(format: &str, s: &str) -> Option<bool> {
    let ok = match format.replace('-', "").as_str() {
        "datetime" => is_date_time(s),
        "date" => is_date(s),
        "byte" => BASE64.is_match(s),
        "password" => true,
        "uuid" => UUID[0].is_match(s),
        "uuid3" => UUID[1].is_match(s),
        "uuid4" => UUID[2].is_match(s),
        "uuid5" => UUID[3].is_match(s),
        "hexcolor" => HEX_COLOR.is_match(s),
        "ipv4" => is_ipv4_sloppy(s) || (s.contains('.') && s.parse::<std::net::Ipv6Addr>().is_ok()),
        "ipv6" => s.contains(':') && s.parse::<std::net::IpAddr>().is_ok(),
        "cidr" => s.split_once('/').is_some_and(|(ip, bits)| {
            let v4 = is_ipv4_sloppy(ip);
            let v6 = ip.parse::<std::net::Ipv6Addr>().is_ok();
            let max = if v4 { 32 } else { 128 };
            (v4 || v6)
                && !bits.is_empty()
                && bits.bytes().all(|c| c.is_ascii_digit())
                && bits.parse::<u32>().is_ok_and(|b| b <= max)
        }),
        "k8sshortname" => s.len() <= 63 && DNS_LABEL.is_match(s),
        "k8slongname" => s.len() <= 253 && DNS_SUBDOMAIN.is_match(s),
        _ => return None,
    };
    Some(ok)
}

/// The string formats [`Validator`](super::Validator) checks, as the API server spells them;
/// the API server checks more (`uri`, `email`, `hostname`, `mac`, `duration`, `isbn*`, `creditcard`, `ssn`,
/// `rgbcolor`, `bsonobjectid`), which this validator accepts unchecked.
pub const CHECKED_STRING_FORMATS: [&str; 14] = [
    "date-time",
    "date",
    "byte",
    "password",
    "uuid",
    "uuid3",
    "uuid4",
    "uuid5",
    "hexcolor",
    "ipv4",
    "ipv6",
    "cidr",
    "k8s-short-name",
    "k8s-long-name",
];
