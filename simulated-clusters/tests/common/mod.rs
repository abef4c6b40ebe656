//! Helpers the simulated-clusters tests share.

use std::future::Future;

/// Runs `test` on a thread of its own with 8 MiB of stack (as `petset.rs` does): in a debug
/// build, decoding the MariaDB (k8s-openapi's pod template) under the deployment's and the
/// read's futures needs a little more than a test thread's 2 MiB.
pub fn on_big_stack<F, Fut>(test: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(test());
        })
        .expect("thread")
        .join()
        .expect("the test passes");
}
