//! The HTTP server (issue 14, finding 1). A connection that sends nothing, or a request's head slowly, is closed
//! after `HEADER_READ` (so is one idle between requests: the next head is awaited as long); at most
//! `max_connections` are served at once, and the process may hold that many sockets: its soft limit on open files is
//! raised to the hard one at start. Without these, about a thousand silent sockets stopped the server from answering
//! anyone ("Too many open files"). Behind a reverse proxy named as trusted, a request's address is the client's
//! (the last `X-Forwarded-For` hop), not the proxy's: the audit log records it and sign-in failures are counted by it.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// How long a client may take to send a request's head, counted from the connection's start or the previous answer.
pub const HEADER_READ: Duration = Duration::from_secs(10);

/// Open files kept for the database, logs and uploads besides the connections.
const RESERVED_FILES: u64 = 256;

/// The most connections served at once unless the open-file limit allows fewer.
const MAX_CONNECTIONS: u64 = 16_384;

/// How long the server waits for requests under way when it is told to stop.
const DRAIN: Duration = Duration::from_secs(20);

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub header_read: Duration,
    pub max_connections: usize,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
}

impl ServeOptions {
    /// The options for this process, after raising its soft open-file limit as far as the hard limit allows.
    pub fn for_this_process(trusted_proxies: Vec<IpAddr>) -> ServeOptions {
        let files = match rlimit::increase_nofile_limit(u64::MAX) {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "无法提高可打开文件数上限 / cannot raise the open-file limit");
                rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft).unwrap_or(1024)
            }
        };
        let max = files.saturating_sub(RESERVED_FILES).clamp(64, MAX_CONNECTIONS);
        let max_connections = usize::try_from(max).unwrap_or(1024);
        ServeOptions { header_read: HEADER_READ, max_connections, trusted_proxies }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the requests under way finish (up to `DRAIN`).
/// Each request carries its peer's address (`ConnectInfo<SocketAddr>`), which the audit log records.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(options.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(options.header_read);
    tokio::pin!(shutdown);
    loop {
        // At the limit, wait for a connection to end before accepting another: the kernel's backlog holds the rest.
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors or a connection reset before it was accepted: pause, go on.
                    tracing::warn!(error = %e, "accept error");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let trusted = options.trusted_proxies.contains(&peer.ip());
        let service = app.clone().map_request(move |mut req: Request<Incoming>| {
            let client = if trusted { forwarded_client(&req).map_or(peer, |ip| SocketAddr::new(ip, 0)) } else { peer };
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(client));
            req
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("部分请求未在限时内完成 / some requests were still running at shutdown");
    }
    Ok(())
}

/// The client a trusted proxy names: the last address of the last `X-Forwarded-For` header (the hop the proxy added).
fn forwarded_client<B>(req: &Request<B>) -> Option<IpAddr> {
    let last = req.headers().get_all("x-forwarded-for").iter().next_back()?;
    last.to_str().ok()?.rsplit(',').next()?.trim().parse().ok()
}
