package io.vnicsigner.signer.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

import io.vnicsigner.signer.sigv4.Hex;
import io.vnicsigner.signer.sigv4.HmacSha256;

/** Streaming SHA-256 of a guest image file taken as plain bytes (raw or qcow2 alike), as {@code sha256:<hex>}. */
public final class ImageDigest
{
    private static final int CHUNK = 1 << 20;

    /** Told how far hashing has got; called after every chunk and once at the end. */
    @FunctionalInterface
    public interface ProgressListener
    {
        void onProgress(long bytesDone, long bytesTotal);
    }

    private ImageDigest()
    {
    }

    public static String compute(final Path file, final ProgressListener listener) throws IOException
    {
        final MessageDigest sha256 = HmacSha256.newSha256();
        final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long total = channel.size();
            long done = 0;
            int read;
            while ((read = channel.read(buffer.clear())) >= 0)
            {
                sha256.update(buffer.array(), 0, read);
                done += read;
                if (listener != null && read > 0)
                {
                    listener.onProgress(done, Math.max(total, done));
                }
            }
            if (listener != null && done == 0)
            {
                listener.onProgress(0, 0);
            }
        }
        return of(sha256.digest());
    }

    /** Formats a raw 32-byte SHA-256 as {@code sha256:<hex>}. */
    public static String of(final byte[] sha256)
    {
        final byte[] hex = new byte[64];
        Hex.encode(sha256, 0, 32, hex, 0);
        return "sha256:" + new String(hex, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
