package servicetest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/payload/servicetest"
)

// An app's test runs its client against the emulator: a rate limit is
// retried, a face the emulator's stand-in detector reports as turned away
// is answered as the service would, and a face list fills up.
func ExampleServer() {
	srv := servicetest.NewServer(&servicetest.Options{
		// Stand in for the service's detector: the face in turned.jpg
		// is not frontal.
		Observe: func(f *servicetest.Frame) payload.FaceObservation {
			return payload.FaceObservation{NotFrontal: f.FileName == "turned.jpg"}
		},
	})
	defer srv.Close()

	c, err := payload.NewClient(srv.URL, srv.Key(),
		payload.WithHTTPClient(srv.Client()),
		payload.WithoutValidation(), // let the emulator answer everything
		payload.WithSleep(func(ctx context.Context, d time.Duration) error {
			fmt.Println("rate limited, waiting", d)
			return nil
		}))
	if err != nil {
		log.Fatal(err)
	}
	face, err := os.ReadFile("../../testdata/faces/obama-480p.jpg")
	if err != nil {
		log.Fatal(err)
	}
	request := func(name string) *payload.LivenessRequest {
		return &payload.LivenessRequest{
			Frames: []payload.Frame{{FileName: name, TargetFace: &payload.Rect{Left: 380, Top: 60, Width: 180, Height: 180}}},
			Files:  []payload.File{{Name: name, Data: face}},
		}
	}
	ctx := context.Background()

	srv.RateLimit(1, 26*time.Second)
	res, err := c.DetectLiveness(ctx, request("face.jpg"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.LivenessDecision)

	_, err = c.DetectLiveness(ctx, request("turned.jpg"))
	var se *payload.ServiceError
	if errors.As(err, &se) {
		fmt.Println(se.StatusCode, se.Message)
		fmt.Println(errors.Is(err, payload.RuleFaceNotFrontal))
	}

	srv.CreateFaceList("friends")
	pf, err := c.AddFace(ctx, &payload.AddFaceRequest{FaceListID: "friends", Image: face, FaceCount: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pf.PersistedFaceID)
	fmt.Println(srv.Requests(), "requests")
	// Output:
	// rate limited, waiting 26s
	// realface
	// 400 Face is not frontal and liveness classification cannot be run on face.
	// true
	// 00000000-0000-4000-8000-000000000001
	// 4 requests
}
