package payload

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// AppendMetadata appends the Metadata part's JSON to dst and returns the
// extended slice:
//
//	{"metadata":{"imageType":0,"imageData":[{"fileName":"...","frameNumber":0,
//	  "imageCreationTimeInMilliSeconds":0,"targetFaceRectangle":{...},
//	  "imageCropOffsets":{...},"activeIlluminationInformation":{"illuminatedColor":"..."}}]}}
//
// targetFaceRectangle, imageCropOffsets and activeIlluminationInformation
// appear only when set. Invalid UTF-8 in a string is written as U+FFFD. It
// allocates only to grow dst.
func (r *LivenessRequest) AppendMetadata(dst []byte) []byte {
	dst = append(dst, `{"metadata":{"imageType":`...)
	dst = strconv.AppendInt(dst, int64(r.ImageType), 10)
	dst = append(dst, `,"imageData":[`...)
	for i := range r.Frames {
		f := &r.Frames[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"fileName":`...)
		dst = appendJSONString(dst, f.FileName)
		dst = append(dst, `,"frameNumber":`...)
		dst = strconv.AppendInt(dst, int64(f.FrameNumber), 10)
		dst = append(dst, `,"imageCreationTimeInMilliSeconds":`...)
		dst = strconv.AppendInt(dst, f.CreationTimeMillis, 10)
		if t := f.TargetFace; t != nil {
			dst = append(dst, `,"targetFaceRectangle":{"top":`...)
			dst = strconv.AppendInt(dst, int64(t.Top), 10)
			dst = append(dst, `,"left":`...)
			dst = strconv.AppendInt(dst, int64(t.Left), 10)
			dst = append(dst, `,"width":`...)
			dst = strconv.AppendInt(dst, int64(t.Width), 10)
			dst = append(dst, `,"height":`...)
			dst = strconv.AppendInt(dst, int64(t.Height), 10)
			dst = append(dst, '}')
		}
		if c := f.CropOffsets; c != nil {
			dst = append(dst, `,"imageCropOffsets":{"cropOffsetX":`...)
			dst = strconv.AppendInt(dst, int64(c.X), 10)
			dst = append(dst, `,"cropOffsetY":`...)
			dst = strconv.AppendInt(dst, int64(c.Y), 10)
			dst = append(dst, `,"fullFrameImageWidth":`...)
			dst = strconv.AppendInt(dst, int64(c.FullWidth), 10)
			dst = append(dst, `,"fullFrameImageHeight":`...)
			dst = strconv.AppendInt(dst, int64(c.FullHeight), 10)
			dst = append(dst, '}')
		}
		if f.IlluminatedColor != "" {
			dst = append(dst, `,"activeIlluminationInformation":{"illuminatedColor":`...)
			dst = appendJSONString(dst, f.IlluminatedColor)
			dst = append(dst, '}')
		}
		dst = append(dst, '}')
	}
	return append(dst, "]}}"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaping what JSON requires
// and what some parsers choke on (U+2028, U+2029), and writing invalid
// UTF-8 as U+FFFD, as encoding/json does.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// wireMetadata is the Metadata JSON as the service reads it.
type wireMetadata struct {
	Metadata *struct {
		ImageType *int         `json:"imageType"`
		ImageData *[]wireFrame `json:"imageData"`
	} `json:"metadata"`
}

type wireFrame struct {
	FileName     string       `json:"fileName"`
	FrameNumber  int          `json:"frameNumber"`
	CreationTime int64        `json:"imageCreationTimeInMilliSeconds"`
	Target       *Rect        `json:"targetFaceRectangle"`
	Crop         *CropOffsets `json:"imageCropOffsets"`
	Illumination *struct {
		Color string `json:"illuminatedColor"`
	} `json:"activeIlluminationInformation"`
}

// MaxMetadataBytes bounds the Metadata JSON ParseMetadata reads.
const MaxMetadataBytes = 4 << 20

// ParseMetadata decodes the JSON of a Metadata part (as AppendMetadata
// writes it, or as another client does: member names are matched
// case-insensitively and unknown members are ignored) into a
// LivenessRequest with ImageType and Frames set and no Files. A document
// over MaxMetadataBytes, that is not JSON, or that has no "metadata"
// object with an "imageData" array gives an error wrapping ErrMalformed.
// An empty imageData array is not an error here (Validate answers it with
// RuleMetadataMissing).
func ParseMetadata(b []byte) (*LivenessRequest, error) {
	if len(b) > MaxMetadataBytes {
		return nil, malformed("metadata over "+strconv.Itoa(MaxMetadataBytes)+" bytes", nil)
	}
	var w wireMetadata
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, malformed("metadata", err)
	}
	if w.Metadata == nil || w.Metadata.ImageData == nil {
		return nil, malformed(`metadata: no "metadata" object with an "imageData" array`, nil)
	}
	r := &LivenessRequest{}
	if w.Metadata.ImageType != nil {
		r.ImageType = *w.Metadata.ImageType
	}
	data := *w.Metadata.ImageData
	r.Frames = make([]Frame, len(data))
	for i, d := range data {
		f := Frame{FileName: d.FileName, FrameNumber: d.FrameNumber, CreationTimeMillis: d.CreationTime,
			TargetFace: d.Target, CropOffsets: d.Crop}
		if d.Illumination != nil {
			f.IlluminatedColor = d.Illumination.Color
		}
		r.Frames[i] = f
	}
	return r, nil
}
