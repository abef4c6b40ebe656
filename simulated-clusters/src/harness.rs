//! "The walkthrough deployed" in one call, for tests, benchmarks and tools: a hub serving the
//! environment's KubeDB release ([`crate::hub_for`]), a started [`World`] with one spoke per
//! managed cluster ([`Spoke::of`]), the environment's [`deployer::plan`] applied with
//! [`deployer::apply_plan`] and the MariaDB `Ready` ([`deployer::wait_for_phase`]).
//!
//! Set-ups that differ on purpose (another [`crate::PodRuntime`], other spokes, a fault
//! injected before the apply, a progress callback) keep writing the steps out.

use std::time::Duration;

use deployer::{ApplyError, ApplyOptions, ApplyReport, Environment, Plan, Rejected, WaitError};
use emulated_hub::FakeHub;
use kubedb_types::kubedb::v1::DatabasePhase;
use kubedb_types::release::Release;

use crate::fake_hub::hub_for;
use crate::world::{Spoke, World};

/// Why an environment could not be deployed on the simulated clusters.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// Preflight refused the environment: nothing was written.
    #[error("the environment does not plan: {0}")]
    Rejected(#[from] Rejected),
    /// The plan's apply stopped.
    #[error("the plan did not apply: {0}")]
    Apply(#[from] ApplyError),
    /// The runtime shut down before the wait ended.
    #[error("the runtime shut down before the MariaDB was Ready")]
    Interrupted,
    /// The plan applied, but the MariaDB did not turn `Ready` in time.
    #[error("the MariaDB is not Ready: {source}; last simulated controller error: {last_error:?}")]
    NotReady {
        /// What the wait saw.
        source: WaitError,
        /// The last error a simulated controller met ([`World::last_error`]).
        last_error: Option<String>,
    },
}

/// An environment deployed on the simulated clusters, its MariaDB `Ready`: what a test,
/// benchmark or tool goes on from. The [`World`] runs until this (or it) is dropped.
///
/// Call it inside a Tokio runtime (the world's components run on a task spawned there). The
/// apply is boxed and the wait runs on a task of its own ([`Deployed::environment`]), so the
/// set-up fits a test thread's 2 MiB of stack in a debug build; a caller that then decodes
/// large objects (a MariaDB's pod template) under deep futures of its own may still want a
/// thread with more stack, as this crate's `day2_read` tests do.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use kubedb_types::release::Release;
/// use simulated_clusters::harness::Deployed;
/// let deployed = Deployed::walkthrough(Release::WALKTHROUGH).await.expect("Ready");
/// assert_eq!(deployed.plan.steps.len(), 6);
/// assert_eq!(deployed.report.applied.len(), 6);
/// assert_eq!(deployed.world.wsrep("mariadb-1").unwrap().cluster_size, Some(3));
/// assert!(deployed.hub.serves("apps.k8s.appscode.com/v1", "PlacementPolicy"));
/// # });
/// ```
pub struct Deployed {
    /// The hub, serving the environment's KubeDB release's CRDs and webhooks.
    pub hub: FakeHub,
    /// The simulated clusters, reacting to the hub.
    pub world: World,
    /// A client of [`Deployed::hub`], the one the plan was applied and waited with.
    pub client: kube::Client,
    /// The environment deployed.
    pub env: Environment,
    /// Its plan, as applied.
    pub plan: Plan,
    /// What the apply reported (the objects as stored, the retries).
    pub report: ApplyReport,
}

impl std::fmt::Debug for Deployed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `kube::Client` has no `Debug`; the hub, environment and report are long.
        f.debug_struct("Deployed")
            .field("world", &self.world)
            .field("plan", &self.plan)
            .finish_non_exhaustive()
    }
}

impl Deployed {
    /// How long [`Deployed::walkthrough`] waits for the MariaDB to turn `Ready`.
    pub const READY_WITHIN: Duration = Duration::from_secs(30);

    /// The walkthrough ([`Environment::seed`]) for KubeDB `release`, deployed with
    /// [`ApplyOptions::default`] and `Ready` within [`Deployed::READY_WITHIN`].
    pub async fn walkthrough(release: Release) -> Result<Deployed, DeployError> {
        let mut env = Environment::seed();
        env.kubedb.release = release;
        Deployed::environment(env, &ApplyOptions::default(), Deployed::READY_WITHIN).await
    }

    /// `env` deployed on a fresh hub of its release ([`crate::hub_for`]) with a [`World`] of
    /// its spokes ([`Spoke::of`]): its plan applied with `options`, then the MariaDB
    /// `Ready` within `ready_within`.
    ///
    /// The wait runs on a task of its own ([`tokio::spawn`]), awaited at once: polled from
    /// the runtime's scheduler rather than under the caller's futures, the watch's decoding
    /// of the MariaDB (deep in a debug build) has the thread's stack nearly to itself, so a
    /// `#[tokio::test]` on its 2 MiB thread can use this. On a multi-thread runtime that task
    /// runs on a worker thread (2 MiB of stack unless the runtime's `thread_stack_size` says
    /// otherwise).
    pub async fn environment(
        env: Environment,
        options: &ApplyOptions,
        ready_within: Duration,
    ) -> Result<Deployed, DeployError> {
        let plan = deployer::plan(&env)?;
        let hub = hub_for(env.kubedb.release);
        let world = World::start(&hub, &env, Spoke::of(&env));
        let client = hub.client();
        // Boxed: the apply's future is large for a 2 MiB stack in a debug build.
        let report = Box::pin(deployer::apply_plan(&client, &plan, options, |_| {})).await?;
        let (namespace, name) = (env.database.namespace.clone(), env.database.name.clone());
        let watch = client.clone();
        let ready = tokio::spawn(async move {
            deployer::wait_for_phase(
                &watch,
                &namespace,
                &name,
                DatabasePhase::Ready,
                ready_within,
                |_| {},
            )
            .await
            .map(drop)
        });
        // Dropping this future (a caller's timeout) ends the wait too.
        let _abort = AbortOnDrop(ready.abort_handle());
        let ready = match ready.await {
            Ok(ready) => ready,
            Err(e) => match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(_) => return Err(DeployError::Interrupted),
            },
        };
        if let Err(source) = ready {
            return Err(DeployError::NotReady {
                source,
                last_error: world.last_error(),
            });
        }
        Ok(Deployed {
            hub,
            world,
            client,
            env,
            plan,
            report,
        })
    }
}

/// Aborts a spawned task when dropped (a no-op once it ended).
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
