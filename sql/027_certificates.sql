-- 027_certificates.sql — certificate management of the OCPP 1.6 Security
-- Whitepaper (docs/certificates.md): the charge point certificates the
-- central system issued (SignCertificate -> CertificateSigned), and the
-- root certificates each charge point reported installed
-- (GetInstalledCertificateIds).  Every statement can run again.
--
-- cp_certificates: one row per accepted CSR.  state: requested (the CSR is
-- stored, not signed yet), signing (a node claimed it: node_id), issued
-- (certificate set), failed (error says why).  signed_status is the charge
-- point's answer to CertificateSigned (Accepted, Rejected) or what kept it
-- from answering (cp_offline, timeout, ...).  renew_requested_at: the last
-- ExtendedTriggerMessage SignChargePointCertificate sent for this
-- certificate's renewal (the claim that keeps two nodes from both sending).
CREATE TABLE IF NOT EXISTS cp_certificates (
  id                 BIGINT NOT NULL AUTO_INCREMENT,
  cp_id              VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  state              VARCHAR(12) NOT NULL,
  csr                TEXT NOT NULL,
  requested_at       DATETIME(3) NOT NULL,
  node_id            VARCHAR(64) NULL,
  claimed_at         DATETIME(3) NULL,
  serial             VARCHAR(64) NULL,
  subject            VARCHAR(255) NULL,
  not_after          DATETIME(3) NULL,
  certificate        MEDIUMTEXT NULL,
  issued_at          DATETIME(3) NULL,
  signed_status      VARCHAR(30) NULL,
  signed_at          DATETIME(3) NULL,
  renew_requested_at DATETIME(3) NULL,
  error              VARCHAR(255) NULL,
  PRIMARY KEY (id),
  KEY idx_cpcert_cp (cp_id, id),
  KEY idx_cpcert_state (state, id),
  KEY idx_cpcert_expiry (not_after)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The installed set, replaced per charge point and type by each
-- GetInstalledCertificateIds answer (NotFound: none of that type).
CREATE TABLE IF NOT EXISTS cp_installed_certs (
  cp_id             VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  certificate_type  VARCHAR(40) NOT NULL,
  hash_algorithm    VARCHAR(10) NOT NULL,
  issuer_name_hash  VARCHAR(128) NOT NULL,
  issuer_key_hash   VARCHAR(128) NOT NULL,
  serial_number     VARCHAR(40) NOT NULL,
  reported_at       DATETIME(3) NOT NULL,
  PRIMARY KEY (cp_id, certificate_type, issuer_name_hash, issuer_key_hash,
               serial_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
