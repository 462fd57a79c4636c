package payload_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/facegate/facegate/payload"
)

// seedRequest is the liveness page's example request, with the files of
// a multi-file sequence added.
func seedRequest(t testing.TB) *payload.LivenessRequest {
	f := getFixtures(t)
	return &payload.LivenessRequest{
		ModelVersion: payload.ModelVersionLatest,
		Frames: []payload.Frame{
			{FileName: "video.webp", FrameNumber: 0, CreationTimeMillis: 2309856, IlluminatedColor: "Red",
				CropOffsets: &payload.CropOffsets{X: 100, Y: 100, FullWidth: 1920, FullHeight: 1080}},
			{FileName: "video.webp", FrameNumber: 1, CreationTimeMillis: 2309891, IlluminatedColor: "Green",
				CropOffsets: &payload.CropOffsets{X: 98, Y: 96, FullWidth: 1920, FullHeight: 1080}},
			{FileName: `still "one".jpg`, FrameNumber: 2, TargetFace: rect(80, 40, 160, 160)},
			{FileName: `back\slash.png`, FrameNumber: 3},
		},
		Files: []payload.File{
			{Name: `back\slash.png`, Data: f.good2},
			{Name: "video.webp", Data: f.video},
			{Name: `still "one".jpg`, Data: f.good},
		},
		Boundary: "facegate-test-boundary",
	}
}

// TestWriteToParsesWithMimeMultipart reads our body back with Go's
// mime/multipart.
func TestWriteToParsesWithMimeMultipart(t *testing.T) {
	r := seedRequest(t)
	var b bytes.Buffer
	n, err := r.WriteTo(&b)
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := r.Len(); n != int64(b.Len()) || l != n {
		t.Errorf("WriteTo %d, wrote %d, Len %d", n, b.Len(), l)
	}
	mt, params, err := mime.ParseMediaType(r.ContentType())
	if err != nil || mt != "multipart/form-data" || params["boundary"] != "facegate-test-boundary" {
		t.Fatalf("ContentType %q", r.ContentType())
	}
	mr := multipart.NewReader(&b, params["boundary"])
	type part struct {
		name, filename, ct string
		data               []byte
	}
	var parts []part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		parts = append(parts, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), data})
	}
	want := []part{
		{"Metadata", "", "application/json; charset=utf-8", r.AppendMetadata(nil)},
		{"Content", "video.webp", "application/octet-stream", r.Files[1].Data},
		{"Content", `still "one".jpg`, "application/octet-stream", r.Files[2].Data},
		{"Content", `back\slash.png`, "application/octet-stream", r.Files[0].Data},
	}
	if !reflect.DeepEqual(parts, want) {
		t.Errorf("parts differ")
		for i := range parts {
			t.Logf("%d: %q %q %q %d bytes", i, parts[i].name, parts[i].filename, parts[i].ct, len(parts[i].data))
		}
	}
	// The metadata reads back as the request.
	back, err := payload.ParseMetadata(parts[0].data)
	if err != nil {
		t.Fatal(err)
	}
	frames := make([]payload.Frame, len(r.Frames))
	copy(frames, r.Frames)
	if !reflect.DeepEqual(back.Frames, frames) || back.ImageType != 0 {
		t.Errorf("metadata round trip:\n%+v\n%+v", back.Frames, frames)
	}
}

// TestMetadataMatchesPage compares the metadata with the page's example,
// member by member.
func TestMetadataMatchesPage(t *testing.T) {
	page := `{"metadata":{"imageType":0,"imageData":[
	 {"activeIlluminationInformation":{"illuminatedColor":"Red"},"fileName":"video.webp","frameNumber":0,
	  "imageCreationTimeInMilliSeconds":2309856,"targetFaceRectangle":{"top":50,"left":50,"width":100,"height":100},
	  "imageCropOffsets":{"cropOffsetX":100,"cropOffsetY":100,"fullFrameImageWidth":1920,"fullFrameImageHeight":1080}},
	 {"activeIlluminationInformation":{"illuminatedColor":"Green"},"fileName":"video.webp","frameNumber":1,
	  "imageCreationTimeInMilliSeconds":2309891,"targetFaceRectangle":{"top":46,"left":48,"width":100,"height":100},
	  "imageCropOffsets":{"cropOffsetX":98,"cropOffsetY":96,"fullFrameImageWidth":1920,"fullFrameImageHeight":1080}}]}}`
	r, err := payload.ParseMetadata([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	json.Unmarshal([]byte(page), &a)
	json.Unmarshal(r.AppendMetadata(nil), &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("ours: %s", r.AppendMetadata(nil))
	}
}

func TestReaderAndNewRequest(t *testing.T) {
	r := seedRequest(t)
	var want bytes.Buffer
	r.WriteTo(&want)
	rd, n, err := r.Reader()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rd)
	if !bytes.Equal(got, want.Bytes()) || n != int64(len(got)) {
		t.Fatal("Reader differs from WriteTo")
	}
	req, err := r.NewRequest(context.Background(), "https://example.com/base/", "the-key")
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != http.MethodPost || req.URL.String() != "https://example.com/base/face/v1.1-preview.1/detectLiveness/singleModal?model-version=latest" ||
		req.Header.Get("Ocp-Apim-Subscription-Key") != "the-key" || req.Header.Get("Accept") != "application/json" ||
		req.Header.Get("Content-Type") != "multipart/form-data; boundary=facegate-test-boundary" || req.ContentLength != n {
		t.Errorf("request %s %s %v %d", req.Method, req.URL, req.Header, req.ContentLength)
	}
	for i := 0; i < 2; i++ {
		body, _ := req.GetBody()
		again, _ := io.ReadAll(body)
		if !bytes.Equal(again, want.Bytes()) {
			t.Fatal("GetBody differs")
		}
	}
}

func TestRandomBoundary(t *testing.T) {
	r1, r2 := validRequest(t), validRequest(t)
	ct1, ct2 := r1.ContentType(), r2.ContentType()
	if ct1 == ct2 || !strings.HasPrefix(ct1, "multipart/form-data; boundary=facegate-") {
		t.Errorf("%s %s", ct1, ct2)
	}
	if r1.ContentType() != ct1 {
		t.Error("the boundary changed")
	}
	var b bytes.Buffer
	r1.WriteTo(&b)
	if !strings.HasPrefix(b.String(), "--"+r1.Boundary+"\r\n") || !strings.HasSuffix(b.String(), "\r\n--"+r1.Boundary+"--\r\n") {
		t.Error("body does not use the boundary")
	}
}

// TestExactBody pins the bytes of a small body.
func TestExactBody(t *testing.T) {
	r := &payload.LivenessRequest{
		Frames:   []payload.Frame{{FileName: "a.jpg", CreationTimeMillis: 7, TargetFace: rect(1, 2, 3, 4)}},
		Files:    []payload.File{{Name: "a.jpg", Data: []byte("JPEG")}},
		Boundary: "B",
	}
	want := "--B\r\n" +
		"Content-Disposition: form-data; name=\"Metadata\"\r\n" +
		"Content-Type: application/json; charset=utf-8\r\n" +
		"\r\n" +
		`{"metadata":{"imageType":0,"imageData":[{"fileName":"a.jpg","frameNumber":0,"imageCreationTimeInMilliSeconds":7,"targetFaceRectangle":{"top":2,"left":1,"width":3,"height":4}}]}}` + "\r\n" +
		"--B\r\n" +
		"Content-Disposition: form-data; name=\"Content\"; filename=\"a.jpg\"\r\n" +
		"Content-Type: application/octet-stream\r\n" +
		"\r\n" +
		"JPEG\r\n" +
		"--B--\r\n"
	var b bytes.Buffer
	if _, err := r.WriteTo(&b); err != nil || b.String() != want {
		t.Errorf("body:\n%q\nwant\n%q (%v)", b.String(), want, err)
	}
}

func TestAppendJSONStringEscapes(t *testing.T) {
	for _, s := range []string{"plain", "quo\"te", `back\slash`, "tab\tnl\ncr\r\x00\x1f", "é€😀", "\u2028\u2029", "bad\xff\xfeutf8", "<&>"} {
		r := &payload.LivenessRequest{Frames: []payload.Frame{{FileName: s, IlluminatedColor: s}}}
		out := r.AppendMetadata(nil)
		back, err := payload.ParseMetadata(out)
		if err != nil {
			t.Fatalf("%q: %v (%s)", s, err, out)
		}
		want := string([]rune(s)) // one U+FFFD per invalid byte, as encoding/json
		if back.Frames[0].FileName != want || back.Frames[0].IlluminatedColor != want {
			t.Errorf("%q came back %q", s, back.Frames[0].FileName)
		}
	}
}
