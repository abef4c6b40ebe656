//! The live adapter's errors without a server (the conformance suite reads real nodes).

use galera::live::{LiveError, read_status_url};

#[tokio::test]
async fn an_unreachable_node_is_a_connect_error_naming_it() {
    let err = read_status_url("mysql://root@127.0.0.1:1/")
        .await
        .expect_err("nothing listens on port 1");
    assert!(matches!(err, LiveError::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains("127.0.0.1:1"), "{err}");
}

#[tokio::test]
async fn a_malformed_url_is_refused() {
    let err = read_status_url("postgres://x")
        .await
        .expect_err("not a mysql URL");
    assert!(matches!(err, LiveError::Url(_)), "{err:?}");
}
