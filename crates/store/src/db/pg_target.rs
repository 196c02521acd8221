//! Where a PostgreSQL database is and how to talk to it: the driver's settings, and TLS as libpq's `sslmode` asks
//! (issue 14, finding 6). A province's database is often on another machine; its traffic must not cross the network in
//! clear.
//!
//! - `disable` (or no `sslmode`): plain TCP, as on one machine over loopback;
//! - `require`: encrypted; the server's certificate is not checked (libpq's meaning without a root certificate);
//! - `verify-full`: encrypted, the certificate checked against `sslrootcert=FILE` (PEM) and the host name;
//! - `prefer` and `verify-ca` are refused with a message: one tries without TLS when TLS fails, the other trusts any
//!   certificate the CA signed for any host — neither is what a security review accepts.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

/// A PostgreSQL database to connect to, and the TLS to wrap the connection in.
#[derive(Clone)]
pub(crate) struct PgTarget {
    pub config: postgres::Config,
    tls: Option<MakeRustlsConnect>,
}

impl PgTarget {
    /// Reads a `postgres://` URL; `sslmode` and `sslrootcert` are taken here, the rest by the driver.
    pub fn parse(url: &str) -> Result<PgTarget, String> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let (mut mode, mut root, mut rest) = (String::from("disable"), None, Vec::new());
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match k.as_ref() {
                "sslmode" => mode = v.into_owned(),
                "sslrootcert" => root = Some(v.into_owned()),
                _ => rest.push((k.into_owned(), v.into_owned())),
            }
        }
        let mut driver = base.to_owned();
        if !rest.is_empty() {
            driver.push('?');
            driver.push_str(&form_urlencoded::Serializer::new(String::new()).extend_pairs(rest).finish());
        }
        let mut config: postgres::Config =
            driver.parse().map_err(|_| "PostgreSQL 地址无法解析 / the PostgreSQL URL cannot be parsed".to_owned())?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?;
        let tls = match mode.as_str() {
            "disable" => None,
            "require" => Some(
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(Unchecked(provider)))
                    .with_no_client_auth(),
            ),
            "verify-full" => {
                let root =
                    root.ok_or("sslmode=verify-full 须给出 sslrootcert=根证书文件 / verify-full needs sslrootcert")?;
                let mut roots = rustls::RootCertStore::empty();
                let certs = CertificateDer::pem_file_iter(&root)
                    .and_then(Iterator::collect::<Result<Vec<_>, _>>)
                    .map_err(|e| format!("无法读取根证书 {root}：{e} / cannot read the root certificate"))?;
                let (added, _) = roots.add_parsable_certificates(certs);
                if added == 0 {
                    return Err(format!("根证书文件 {root} 中没有可用的证书 / no usable certificate in it"));
                }
                Some(builder.with_root_certificates(roots).with_no_client_auth())
            }
            other => {
                return Err(format!(
                    "不支持 sslmode={other}：请用 disable、require 或 verify-full / use disable, require or verify-full"
                ));
            }
        };
        if tls.is_some() {
            config.ssl_mode(postgres::config::SslMode::Require);
        }
        Ok(PgTarget { config, tls: tls.map(MakeRustlsConnect::new) })
    }

    pub fn connect(&self) -> Result<postgres::Client, postgres::Error> {
        match &self.tls {
            None => self.config.connect(postgres::NoTls),
            Some(tls) => self.config.connect(tls.clone()),
        }
    }
}

/// `sslmode=require`: any certificate is taken, yet the handshake's signatures are still checked with it (the server
/// proves it holds the key it shows).
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
