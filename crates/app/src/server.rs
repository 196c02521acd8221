//! The HTTP server (issue 14, finding 1). A connection that sends nothing, or a request's head slowly, is closed
//! after `HEADER_READ` (so is one idle between requests: the next head is awaited as long); at most
//! `max_connections` are served at once, and the process may hold that many sockets: its soft limit on open files is
//! raised to the hard one at start. Without these, about a thousand silent sockets stopped the server from answering
//! anyone ("Too many open files"). Behind a reverse proxy named as trusted, a request's address is the client's
//! (the last `X-Forwarded-For` hop), not the proxy's: the audit log records it and sign-in failures are counted by it.
//! A city without a proxy serves TLS itself (`--tls-cert`, `--tls-key`: rustls); the handshake too must finish within
//! `HEADER_READ`.

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
    /// Serve TLS with this certificate and key.
    pub tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
}

/// The TLS settings from a PEM certificate chain and its PEM private key, or a message naming what is wrong.
pub fn tls_config(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> anyhow::Result<Arc<tokio_rustls::rustls::ServerConfig>> {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| anyhow::anyhow!("无法读取证书 {}：{e} / cannot read the certificate", cert.display()))?;
    if chain.is_empty() {
        anyhow::bail!("证书文件 {} 中没有证书 / no certificate in the file", cert.display());
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| anyhow::anyhow!("无法读取私钥 {}：{e} / cannot read the private key", key.display()))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
        .map_err(|e| anyhow::anyhow!("证书与私钥不匹配或不可用：{e} / the certificate and key do not fit"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
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
        ServeOptions { header_read: HEADER_READ, max_connections, trusted_proxies, tls: None }
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
    let tls = options.tls.clone().map(tokio_rustls::TlsAcceptor::from);
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
        let over_tls = tls.is_some();
        let service = app.clone().map_request(move |mut req: Request<Incoming>| {
            let client = if trusted { forwarded_client(&req).map_or(peer, |ip| SocketAddr::new(ip, 0)) } else { peer };
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(client));
            if over_tls {
                // Served over TLS here: what a TLS proxy would say, so that cookies are Secure and HSTS is sent.
                req.headers_mut().insert("x-forwarded-proto", axum::http::HeaderValue::from_static("https"));
            }
            req
        });
        let (http, watcher, tls, header_read) = (http.clone(), graceful.watcher(), tls.clone(), options.header_read);
        tokio::spawn(async move {
            let service = TowerToHyperService::new(service);
            let served = match tls {
                None => watcher.watch(http.serve_connection(TokioIo::new(stream), service)).await,
                Some(acceptor) => match tokio::time::timeout(header_read, acceptor.accept(stream)).await {
                    Ok(Ok(stream)) => watcher.watch(http.serve_connection(TokioIo::new(stream), service)).await,
                    Ok(Err(e)) => {
                        tracing::debug!(error = %e, %peer, "TLS handshake failed");
                        Ok(())
                    }
                    Err(_) => {
                        tracing::debug!(%peer, "TLS handshake too slow");
                        Ok(())
                    }
                },
            };
            if let Err(e) = served {
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
