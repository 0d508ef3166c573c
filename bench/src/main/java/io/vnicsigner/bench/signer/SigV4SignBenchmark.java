package io.vnicsigner.bench.signer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.vnicsigner.signer.sigv4.Credentials;
import io.vnicsigner.signer.sigv4.PayloadMode;
import io.vnicsigner.signer.sigv4.SigV4Signer;
import io.vnicsigner.signer.sigv4.SignMode;
import io.vnicsigner.signer.sigv4.SignedOutput;
import io.vnicsigner.signer.sigv4.SigningRequest;
import io.vnicsigner.signer.sigv4.UriMode;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The same two requests signed three ways: our signer (filling the reusable view from bytes, as the dataplane
 * does), the AWS SDK v2 {@code AwsV4HttpSigner}, and a floor of one SHA-256 over our canonical request plus
 * one HMAC over our string to sign. {@code s3Get} is an S3 GET with {@code UNSIGNED-PAYLOAD} and six headers,
 * {@code put1k} a PUT with a 1 KiB hashed body.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SigV4SignBenchmark
{
    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final long TIME = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

    @Param({"s3Get", "put1k"})
    public String request;

    private byte[] method;
    private byte[] target;
    private byte[][] names;
    private byte[][] values;
    private byte[] body;
    private PayloadMode payloadMode;

    private final SigV4Signer signer = new SigV4Signer();
    private final SigningRequest view = new SigningRequest();
    private final SignedOutput out = new SignedOutput();
    private final Credentials credentials = Credentials.of(ACCESS_KEY, SECRET.getBytes(StandardCharsets.US_ASCII));

    private AwsV4HttpSigner sdk;
    private SignRequest<AwsCredentialsIdentity> sdkRequest;

    private MessageDigest floorDigest;
    private Mac floorMac;
    private byte[] canonical;
    private byte[] stringToSign;
    private final byte[] floorOut = new byte[32];

    @Setup
    public void setUp() throws Exception
    {
        final String host;
        final String[][] headers;
        if (request.equals("s3Get"))
        {
            method = ascii("GET");
            target = ascii("/photos/2026/03/holiday%20beach.jpg?versionId=3HL4kqtJlcpXroDTDmJ%2Brmq");
            host = "examplebucket.s3.eu-west-1.amazonaws.com";
            headers = new String[][] {
                {"Host", host}, {"Accept", "image/jpeg"}, {"Range", "bytes=0-65535"},
                {"If-None-Match", "\"9b2cf535f27731c974343645a3985328\""}, {"x-amz-request-payer", "requester"},
                {"x-amz-checksum-mode", "ENABLED"}};
            body = new byte[0];
            payloadMode = PayloadMode.UNSIGNED;
        }
        else
        {
            method = ascii("PUT");
            target = ascii("/reports/2026/03/summary.json");
            host = "examplebucket.s3.eu-west-1.amazonaws.com";
            headers = new String[][] {
                {"Host", host}, {"Content-Type", "application/json"}, {"Content-Length", "1024"},
                {"x-amz-meta-owner", "team-42"}, {"x-amz-storage-class", "STANDARD_IA"}};
            body = new byte[1024];
            for (int i = 0; i < body.length; i++)
            {
                body[i] = (byte)('a' + i % 26);
            }
            payloadMode = PayloadMode.HASH;
        }
        names = new byte[headers.length][];
        values = new byte[headers.length][];
        for (int i = 0; i < headers.length; i++)
        {
            names[i] = ascii(headers[i][0]);
            values[i] = ascii(headers[i][1]);
        }

        // The floor hashes exactly the canonical request and string to sign that our signer produced.
        ours();
        canonical = java.util.Arrays.copyOf(signer.canonicalRequest(), signer.canonicalRequestLength());
        stringToSign = java.util.Arrays.copyOf(signer.stringToSign(), signer.stringToSignLength());
        floorDigest = MessageDigest.getInstance("SHA-256");
        floorMac = Mac.getInstance("HmacSHA256");
        floorMac.init(new SecretKeySpec(floorOut, "HmacSHA256"));

        sdk = AwsV4HttpSigner.create();
        final SdkHttpRequest.Builder builder = SdkHttpRequest.builder()
            .method(SdkHttpMethod.fromValue(new String(method, StandardCharsets.US_ASCII)))
            .protocol("https").host(host);
        final String t = new String(target, StandardCharsets.US_ASCII);
        final int q = t.indexOf('?');
        builder.encodedPath(q < 0 ? t : t.substring(0, q));
        if (q >= 0)
        {
            final String[] kv = t.substring(q + 1).split("=", 2);
            builder.putRawQueryParameter(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        for (final String[] h : headers)
        {
            builder.putHeader(h[0], h[1]);
        }
        final SdkHttpRequest sdkHttp = builder.build();
        final Clock clock = Clock.fixed(Instant.ofEpochMilli(TIME), ZoneOffset.UTC);
        sdkRequest = SignRequest.builder(AwsCredentialsIdentity.create(ACCESS_KEY, SECRET))
            .request(sdkHttp)
            .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
            .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
            .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
            .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
            .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, payloadMode == PayloadMode.HASH)
            .putProperty(HttpSigner.SIGNING_CLOCK, clock)
            .build();

        final String ourAuthorization = out.authorizationAsString();
        final String sdkAuthorization = sdk().request().firstMatchingHeader("Authorization").orElseThrow();
        if (!ourAuthorization.equals(sdkAuthorization))
        {
            throw new IllegalStateException("signers disagree:\n" + ourAuthorization + "\n" + sdkAuthorization);
        }
    }

    /** Our signer: fill the reusable view from bytes and sign into the reusable output. */
    @Benchmark
    public SignedOutput ours()
    {
        final SigningRequest v = view.reset();
        v.method(method, 0, method.length);
        v.target(target, 0, target.length);
        for (int i = 0; i < names.length; i++)
        {
            v.addHeader(names[i], 0, names[i].length, values[i], 0, values[i].length);
        }
        v.body(body, 0, body.length).payloadMode(payloadMode);
        signer.sign(v, credentials, "eu-west-1", "s3", SignMode.HEADER, UriMode.S3, TIME, out);
        return out;
    }

    /** AWS SDK for Java v2. */
    @Benchmark
    public SignedRequest sdk()
    {
        return sdk.sign(sdkRequest);
    }

    /** One SHA-256 over the canonical request plus one HMAC over the string to sign. */
    @Benchmark
    public byte[] floor() throws Exception
    {
        floorDigest.update(canonical);
        floorDigest.digest(floorOut, 0, 32);
        floorMac.update(stringToSign);
        floorMac.doFinal(floorOut, 0);
        return floorOut;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
