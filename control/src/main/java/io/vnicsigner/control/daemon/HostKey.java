package io.vnicsigner.control.daemon;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import io.vnicsigner.signer.identity.IdentityDocument;

/**
 * The host's Ed25519 key, which signs instance identity documents. The private key is kept in
 * {@code host-ed25519.key} (PKCS#8, mode 0600) and made on first start; the public key is written beside it as
 * {@code host-ed25519.pub} (PEM) for relying parties and {@code vnic-signer verify-identity}, and is checked
 * against the private key on every load.
 */
public final class HostKey
{
    public static final String PRIVATE_FILE = "host-ed25519.key";
    public static final String PUBLIC_FILE = "host-ed25519.pub";

    private HostKey()
    {
    }

    /** Loads the key from {@code dir}, or makes and stores one when there is none. */
    public static KeyPair loadOrCreate(final File dir) throws IOException, GeneralSecurityException
    {
        final File privateFile = new File(dir, PRIVATE_FILE);
        if (privateFile.isFile())
        {
            final PrivateKey privateKey = KeyFactory.getInstance(IdentityDocument.ALGORITHM).generatePrivate(
                new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile.toPath())));
            // The JDK cannot derive an Ed25519 public key from the private one, so it is read back and checked.
            final PublicKey publicKey = readPem(new File(dir, PUBLIC_FILE));
            final byte[] probe = "vnic-signer host key check".getBytes(StandardCharsets.US_ASCII);
            if (!IdentityDocument.verify(probe, IdentityDocument.sign(probe, privateKey), publicKey))
            {
                throw new GeneralSecurityException(PUBLIC_FILE + " does not match " + PRIVATE_FILE + " in " + dir);
            }
            return new KeyPair(publicKey, privateKey);
        }
        final KeyPair pair = KeyPairGenerator.getInstance(IdentityDocument.ALGORITHM).generateKeyPair();
        final File temporary = new File(dir, PRIVATE_FILE + ".tmp");
        Files.deleteIfExists(temporary.toPath());
        Files.createFile(temporary.toPath(), PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------")));
        Files.write(temporary.toPath(), pair.getPrivate().getEncoded());
        Files.writeString(new File(dir, PUBLIC_FILE).toPath(), toPem(pair.getPublic()), StandardCharsets.US_ASCII);
        Files.move(temporary.toPath(), privateFile.toPath(), StandardCopyOption.ATOMIC_MOVE);
        return pair;
    }

    /** The PEM text of a public key ({@code -----BEGIN PUBLIC KEY-----}). */
    public static String toPem(final PublicKey key)
    {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    /** Reads a PEM public key as {@link #toPem} writes it. */
    public static PublicKey readPem(final File file) throws IOException, GeneralSecurityException
    {
        final String pem = Files.readString(file.toPath(), StandardCharsets.US_ASCII);
        final String body = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
        return KeyFactory.getInstance(IdentityDocument.ALGORITHM)
            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
    }
}
